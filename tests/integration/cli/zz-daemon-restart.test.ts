// The Docker daemon restarts under a running session: the recorder comes back by its restart
// policy, and the next kiln command re-joins the workspace container to the recorder's new
// network namespace — the session is running again, its record intact, no second pod.
// On a private dockerd (private-dockerd.ts), so the shared daemon and other tests are untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_IMAGE } from '../../../src-main/engine/images';
import { KilnSandbox } from './kiln-process';
import { privateDockerdMissing, restartDockerd, startPrivateDockerd, type PrivateDockerd } from './private-dockerd';

interface Session { id: string; state: string; url?: string; problem?: { next?: string }; containers: { recorder?: string; workspace?: string } }

const missing = privateDockerdMissing();
const image = process.env.KILN_TEST_RUNTIME_IMAGE ?? RUNTIME_IMAGE;
let daemon: PrivateDockerd;
let k: KilnSandbox;

beforeAll(async () => {
  if (missing) return;
  daemon = await startPrivateDockerd(image);
  k = new KilnSandbox({ DOCKER_HOST: daemon.host });
});

afterAll(async () => {
  if (missing) return;
  await k?.cleanup();
  await daemon?.stop();
});

describe.skipIf(missing)(`kiln after the Docker daemon restarted${missing ? ` (skipped: a private dockerd ${missing})` : ''}`, () => {
  it('brings the session back: recorder by its restart policy, workspace re-joined to its network', async () => {
    const name = k.name('daemon');
    const up = await k.json<Session>(['up', '--name', name]);
    expect(up.code, up.stderr).toBe(0);
    expect((await k.run(['exec', name, '--', 'echo one > one.txt'])).code).toBe(0);

    await restartDockerd(daemon);

    const status = await k.json<Session>(['status', name]);
    // Either it is back already, or it names the one command that brings it back.
    let state = status.data.state;
    if (state !== 'running') {
      expect(status.data.problem?.next).toContain(`kiln up --name ${name}`);
      state = (await k.json<Session>(['up', '--name', name])).data.state;
    }
    expect(state, JSON.stringify(status.data)).toBe('running');
    expect(await k.containers(name)).toHaveLength(2);

    const cat = await k.run(['exec', name, '--', 'cat one.txt && echo two > two.txt']);
    expect(cat.stdout).toBe('one\n');
    // The record spans the restart: the chain ended cleanly before it and a new one began after.
    const verify = await k.json<{ valid: boolean; events: number }>(['verify', name]);
    expect(verify.data.valid).toBe(true);
    const timeline = await k.json<{ kind: number; tags: string[][]; content: string }[]>(['timeline', name, '--kind', '4601']);
    const commands = timeline.data.filter((e) => e.tags.some((t) => t[0] === 't' && t[1] === 'command')).map((e) => (JSON.parse(e.content) as { command: string }).command);
    expect(commands).toEqual(['echo one > one.txt', 'cat one.txt && echo two > two.txt']);
  });
});
