// Removing a session while a window is still open on it: the window keeps asking for the
// session's connection (its timeline and terminals reconnect when the recorder goes away), and
// each ask heals a pod it finds half up. Removal took the workspace container first, so an ask
// in between brought it back, and the session stayed listed as "broken" with its metadata gone
// (seen in the window e2e on CI). On the real engine with the runtime image.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../../src-main/sessions';
import { TEST_IMAGE } from '../../../support/pod';

const docker = new Dockerode();
const home = mkdtempSync(join(tmpdir(), 'kiln-rm-open-'));
const id = `t-rm-open-${process.pid}`;
const containersOf = () => docker.listContainers({ all: true, filters: { label: [`kiln.session=${id}`] } });

afterAll(async () => {
  for (const c of await containersOf()) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await docker.getVolume(`kiln-${id}-state`).remove().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

describe('SessionManager.remove with a window still open on the session', () => {
  it('leaves no container behind, however often the window asks for the session meanwhile', async () => {
    const sessions = new SessionManager({ docker, image: TEST_IMAGE, labels: { 'kiln.test': '1' }, paths: { home, sessions: join(home, 'sessions'), workspaces: join(home, 'ws') } });
    await sessions.create({ name: id });
    expect(await containersOf()).toHaveLength(2);

    let removed = false;
    let asks = 0;
    const window = (async () => {
      while (!removed) {
        asks++;
        await sessions.ensureUp(id).catch(() => undefined); // not found once it is gone: the window shows that
      }
    })();
    await sessions.remove(id);
    removed = true;
    await window;
    expect(asks).toBeGreaterThan(1);
    expect(await containersOf()).toEqual([]);
    await expect(sessions.get(id)).rejects.toMatchObject({ kiln: { code: 'E_SESSION_NOT_FOUND' } });
  }, 120_000);
});
