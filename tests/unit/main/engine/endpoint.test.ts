import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../../../src-main/engine/endpoint';

describe('parseEndpoint', () => {
  it('reads a unix socket address', () => {
    expect(parseEndpoint('unix:///var/run/docker.sock')).toEqual({ ok: true, kind: 'unix', options: { socketPath: '/var/run/docker.sock' } });
  });

  it('reads a Windows named pipe address', () => {
    expect(parseEndpoint('npipe:////./pipe/docker_engine')).toMatchObject({ ok: true, kind: 'npipe', options: { socketPath: '//./pipe/docker_engine' } });
  });

  it('reads tcp with and without a port, IPv6 included', () => {
    expect(parseEndpoint('tcp://10.0.0.5:2375')).toMatchObject({ ok: true, options: { protocol: 'http', host: '10.0.0.5', port: '2375' } });
    expect(parseEndpoint('tcp://docker.local')).toMatchObject({ ok: true, options: { protocol: 'http', host: 'docker.local', port: 2375 } });
    expect(parseEndpoint('tcp://[::1]:2375')).toMatchObject({ ok: true, options: { host: '::1' } });
  });

  it('uses https and reads the TLS files when TLS is asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-tls-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA');
      writeFileSync(join(dir, 'cert.pem'), 'CERT');
      writeFileSync(join(dir, 'key.pem'), 'KEY');
      expect(parseEndpoint('tcp://h:2376', { tls: { dir, verify: true } })).toMatchObject({
        ok: true,
        options: { protocol: 'https', ca: 'CA', cert: 'CERT', key: 'KEY' },
      });
      // SkipTLSVerify: no CA pinned.
      const skip = parseEndpoint('tcp://h', { tls: { dir, verify: false } });
      expect(skip.ok && skip.options.ca).toBeFalsy();
      expect(skip.ok && skip.options.port).toBe(2376);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads ssh with user and port, and passes the ssh agent', () => {
    expect(parseEndpoint('ssh://me@box:2222', { sshAgent: '/tmp/agent' })).toMatchObject({
      ok: true,
      kind: 'ssh',
      options: { protocol: 'ssh', host: 'box', port: '2222', username: 'me', sshOptions: { agent: '/tmp/agent' } },
    });
  });

  it('refuses what is not a Docker address, with a reason', () => {
    expect(parseEndpoint('/var/run/docker.sock')).toEqual({ ok: false, reason: expect.stringMatching(/not a Docker address/) });
    expect(parseEndpoint('ftp://x')).toEqual({ ok: false, reason: expect.stringMatching(/unsupported address scheme ftp:/) });
    expect(parseEndpoint('unix://relative.sock')).toEqual({ ok: false, reason: 'not an absolute socket path' });
  });
});
