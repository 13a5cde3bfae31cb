// The all-in-one container's pieces that need no container: whether /var/lib/kiln is a mount
// (mountinfo as the kernel writes it), the agent's ids from /etc/passwd, and the web server's
// upgrade checks when the published port is not the server's own.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { userIds } from '../../../../src-main/local/local-services';
import { isPersistent, mountPoints } from '../../../../src-main/local/persistence';
import { refuseUpgrade } from '../../../../src-main/server/web-server';

const MOUNTINFO = [
  '1385 1133 0:118 / / rw,relatime master:432 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A',
  '1386 1385 0:121 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw',
  '1392 1385 8:1 /var/lib/docker/volumes/kiln-state/_data /var/lib/kiln rw,relatime - ext4 /dev/sda1 rw',
  '1393 1385 8:1 /home/me/my\\040project /workspace rw,relatime - ext4 /dev/sda1 rw',
].join('\n');

describe('the state volume', () => {
  it('reads mount points with their escapes undone', () => {
    expect(mountPoints(MOUNTINFO)).toEqual(['/', '/proc', '/var/lib/kiln', '/workspace']);
  });
  it('is persistent when /var/lib/kiln (or a folder above it, not /) is a mount', () => {
    expect(isPersistent('/var/lib/kiln', MOUNTINFO)).toBe(true);
    expect(isPersistent('/var/lib/kiln/', MOUNTINFO)).toBe(true);
    const noVolume = MOUNTINFO.split('\n').filter((l) => !l.includes('/var/lib/kiln')).join('\n');
    expect(isPersistent('/var/lib/kiln', noVolume)).toBe(false);
    expect(isPersistent('/var/lib/kiln', noVolume + '\n1400 1385 8:1 / /var rw - ext4 /dev/sda1 rw')).toBe(true);
  });
});

describe('the agent user', () => {
  it('is found by name with its current uid and gid', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\nkiln:x:999:999::/var/lib/kiln:/usr/sbin/nologin\nagent:x:1000:1000::/home/agent:/bin/bash\n';
    expect(userIds(passwd, 'agent')).toEqual({ uid: 1000, gid: 1000 });
    expect(userIds(passwd, 'nobody')).toBeUndefined();
  });
});

describe('the bridge behind a published port (anyPort)', () => {
  const token = 't'.repeat(43);
  const req = (host: string, origin: string | undefined, t = token) =>
    ({ url: `/bridge?token=${t}`, headers: { host, ...(origin ? { origin } : {}) } }) as unknown as IncomingMessage;
  it('accepts loopback names on the port the browser used, with the page’s own Origin', () => {
    expect(refuseUpgrade(req('127.0.0.1:54321', 'http://127.0.0.1:54321'), 7777, token, true)).toBeUndefined();
    expect(refuseUpgrade(req('localhost:7777', 'http://localhost:7777'), 7777, token, true)).toBeUndefined();
  });
  it('refuses another Origin, a foreign Host, and a missing or wrong token', () => {
    expect(refuseUpgrade(req('127.0.0.1:54321', 'http://localhost:54321'), 7777, token, true)?.status).toBe(403);
    expect(refuseUpgrade(req('127.0.0.1:54321', 'http://evil.example'), 7777, token, true)?.status).toBe(403);
    expect(refuseUpgrade(req('127.0.0.1:54321', undefined), 7777, token, true)?.status).toBe(403);
    expect(refuseUpgrade(req('evil.example:54321', 'http://evil.example:54321'), 7777, token, true)?.status).toBe(403);
    expect(refuseUpgrade(req('127.0.0.1:54321', 'http://127.0.0.1:54321', ''), 7777, token, true)?.status).toBe(401);
    expect(refuseUpgrade(req('127.0.0.1:54321', 'http://127.0.0.1:54321', 'u'.repeat(43)), 7777, token, true)?.status).toBe(401);
  });
  it('keeps the host-side checks exact without it', () => {
    expect(refuseUpgrade(req('127.0.0.1:54321', 'http://127.0.0.1:54321'), 7777, token)?.status).toBe(403);
  });
});
