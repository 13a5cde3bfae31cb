import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../src-shared/api/rpc';
import { KilnFailure, kilnError } from '../../../src-shared/errors';
import { createLazyHandlers } from '../../../src-main/app/bridge-table';

describe('the window’s bridge table before and after an engine answers', () => {
  it('serves the first-run page the reason there is no engine, and picks the services up once Docker starts', async () => {
    let engineUp = false;
    let builds = 0;
    const handlers = createLazyHandlers({
      info: () => ({ name: 'Kiln', version: '0.1.0', mode: 'electron', platform: 'darwin' }),
      create: async () => {
        builds++;
        if (!engineUp) throw new KilnFailure(kilnError('E_DOCKER_NOT_FOUND', 'No Docker engine answered.', 'Install Docker Desktop, then start it.'));
        return { 'engine.status': () => ({ ok: true, name: 'docker', endpoint: 'unix:///var/run/docker.sock', version: '27', imagePresent: false }) } satisfies Handlers;
      },
    });
    const ask = async (op: string) => dispatch(await handlers(), { id: 1, op, input: {} });
    expect(await ask('engine.status')).toMatchObject({ ok: true, result: { ok: false, error: { code: 'E_DOCKER_NOT_FOUND', next: 'Install Docker Desktop, then start it.' } } });
    expect(await ask('app.info')).toMatchObject({ ok: true, result: { mode: 'electron', platform: 'darwin' } });
    engineUp = true;
    expect(await ask('engine.status')).toMatchObject({ ok: true, result: { ok: true, version: '27' } });
    await ask('engine.status');
    expect(builds).toBe(3); // built once the engine answered, then kept
  });

  it('builds the services once when several asks arrive together', async () => {
    let builds = 0;
    const handlers = createLazyHandlers({ info: () => ({ name: 'Kiln', version: '1', mode: 'electron' }), create: async () => (builds++, {}) });
    await Promise.all([handlers(), handlers(), handlers()]);
    expect(builds).toBe(1);
  });
});
