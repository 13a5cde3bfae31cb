// First run's image step through the bridge: image.ensure builds the runtime image once, however
// many tabs ask, with Dockerfile steps as progress (current/total) to every tab; image.status
// says `building` meanwhile. Built under a throwaway tag (the engine's layer cache keeps it quick).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { StreamPayload } from '../../../../src-shared/api/contract';
import { createHandlers } from '../../../../src-main/server/handlers';
import { startWebServer } from '../../../../src-main/server/web-server';
import { createWindowHost } from '../../../../src-main/server/window-host';
import { lazyAppServices } from '../../../../src-main/services';
import { connectBridge } from './ws-transport';

describe('image.ensure', () => {
  const tag = `kiln/runtime:test-ensure-${randomBytes(3).toString('hex')}`;
  const home = mkdtempSync(join(tmpdir(), 'kiln-home-'));
  afterAll(async () => {
    await new Docker().getImage(tag).remove({ force: true }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('builds a missing image once for two tabs, with step progress to both', async () => {
    const env = { ...process.env, KILN_HOME: home };
    const holder = lazyAppServices({ env, image: tag, labels: { 'kiln.test': '1' } });
    const host = createWindowHost(holder, { env });
    const server = await startWebServer({ rendererDir: home, connect: (push, signal) => createHandlers({ services: holder, mode: 'web', push, signal, host }) });
    const a = await connectBridge(server.port, server.token);
    const b = await connectBridge(server.port, server.token);
    try {
      expect(await a.call('image.status', {})).toEqual({ tag, present: false, building: false });
      const seenA: StreamPayload<'progress'>[] = [];
      const seenB: StreamPayload<'progress'>[] = [];
      a.on('progress', (p) => p.task === 'image.build' && seenA.push(p));
      b.on('progress', (p) => p.task === 'image.build' && seenB.push(p));
      const first = a.call('image.ensure', {});
      await new Promise((r) => setTimeout(r, 200));
      expect((await b.call('image.status', {})).building).toBe(true);
      const [ra, rb] = await Promise.all([first, b.call('image.ensure', {})]);
      expect(ra).toEqual({ tag, built: true });
      expect(rb).toEqual({ tag, built: true });
      const steps = seenA.filter((p) => p.total !== undefined);
      expect(steps.length).toBeGreaterThan(3);
      for (let i = 1; i < steps.length; i++) expect(steps[i]!.current!).toBeGreaterThanOrEqual(steps[i - 1]!.current!);
      expect(seenA.at(-1)).toMatchObject({ done: true, current: steps.at(-1)!.total });
      expect(seenB.length).toBe(seenA.length); // one build, told to every tab
      expect(await a.call('image.status', {})).toEqual({ tag, present: true, building: false });
      await expect(a.call('image.ensure', {})).resolves.toEqual({ tag, built: false });
    } finally {
      a.close();
      b.close();
      await host.close();
      await server.close();
    }
  }, 600_000);
});
