// The host process dies mid-session (a long `kiln exec` killed with SIGKILL): running kiln again
// finds the same session, running, from its labels and metadata — never a second pod.
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, KilnSandbox } from './kiln-process';

interface Session { id: string; state: string; url?: string; reused?: boolean; containers: { recorder?: string; workspace?: string } }

const k = new KilnSandbox();
afterAll(() => k.cleanup());

describe('kiln after the host process was killed', () => {
  const name = k.name('reattach');

  it('shows the same session running, with no second pod', async () => {
    const up = await k.json<Session>(['up', '--name', name]);
    expect(up.code, up.stderr).toBe(0);

    const child = k.spawn(['exec', name, '--', 'echo started; sleep 60']);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await eventually(async () => (out.includes('started') ? true : undefined), 150);
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;

    const ls = await k.json<Session[]>(['ls']);
    expect(ls.code, ls.stderr).toBe(0);
    const mine = ls.data.filter((s) => s.id === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ state: 'running', url: up.data.url, containers: up.data.containers });
    expect(await k.containers(name)).toHaveLength(2);

    // Starting it "again" reuses it.
    const again = await k.json<Session>(['up', '--name', name]);
    expect(again.data).toMatchObject({ id: name, reused: true, containers: up.data.containers });
    expect(await k.containers(name)).toHaveLength(2);
    const exec = await k.run(['exec', name, '--', 'echo still here']);
    expect(exec.stdout).toBe('still here\n');
  });

  it('refuses a second session of the same name on another folder', async () => {
    const r = await k.run(['up', '--name', name, '--workspace', k.home]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists/);
    expect(await k.containers(name)).toHaveLength(2);
  });
});
