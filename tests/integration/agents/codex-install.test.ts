// installAgent on a real engine, into a throwaway volume: the first call fetches the pinned Codex
// with npm's lines as progress, the second finds the marker and fetches nothing, and a container
// without any network runs the installed command from the read-only mount.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { installAgent } from '../../../src-main/agents/install';
import { AGENT_PACKAGES, AGENTS_BIN_DIR, AGENTS_MOUNT } from '../../../src-main/agents/versions';
import { RUNTIME_IMAGE } from '../../../src-main/engine/images';
import { docker } from '../../support/pod';

const volume = `kiln-test-agents-${randomBytes(4).toString('hex')}`;

describe('installAgent', () => {
  afterAll(async () => {
    await docker.getVolume(volume).remove({ force: true }).catch(() => undefined);
  });

  it('installs the pinned version once, with progress, and it runs offline from a read-only mount', async () => {
    const progress: string[] = [];
    const first = await installAgent({ docker, agent: 'codex', image: RUNTIME_IMAGE, volume, onProgress: (p) => progress.push(p.text) });
    expect(first).toEqual({ agent: 'codex', version: AGENT_PACKAGES.codex.version, fetched: true });
    expect(progress.some((l) => l.includes('npm http fetch') && l.includes('@openai'))).toBe(true);
    expect(progress.at(-1)).toBe('kiln: codex ready');

    const again: string[] = [];
    const second = await installAgent({ docker, agent: 'codex', image: RUNTIME_IMAGE, volume, onProgress: (p) => again.push(p.text) });
    expect(second.fetched).toBe(false);
    expect(again.some((l) => l.includes('npm'))).toBe(false);

    const out: Buffer[] = [];
    const container = await docker.createContainer({
      Image: RUNTIME_IMAGE,
      User: 'agent',
      Cmd: ['sh', '-c', `${AGENTS_BIN_DIR}/codex --version && touch ${AGENTS_MOUNT}/x 2>/dev/null || echo read-only`],
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: AGENTS_MOUNT, ReadOnly: true }] },
    });
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      stream.on('data', (c: Buffer) => out.push(c));
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      expect(StatusCode).toBe(0);
    } finally {
      await container.remove({ force: true });
    }
    const text = Buffer.concat(out).toString('utf8');
    expect(text).toContain(`codex-cli ${AGENT_PACKAGES.codex.version}`);
    expect(text).toContain('read-only');
  });
});
