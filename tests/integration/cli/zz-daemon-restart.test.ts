// The Docker daemon restarts under a running session: the recorder comes back by its restart
// policy, and the next kiln command re-joins the workspace container to the recorder's new
// network namespace — the session is running again, with its record intact, and no second pod.
//
// Restarting the daemon disturbs everything else on it, so this runs only when asked:
// KILN_TEST_DAEMON_RESTART=1 (or in CI, where test files run one at a time). The daemon is the one
// at DOCKER_HOST (default /var/run/docker.sock); its pid comes from KILN_TEST_DOCKERD_PIDFILE
// (default /var/run/docker.pid), and it is started again with the very command line it had.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, KilnSandbox } from './kiln-process';

const enabled = process.env.KILN_TEST_DAEMON_RESTART === '1' || process.env.CI === 'true';
const pidfile = process.env.KILN_TEST_DOCKERD_PIDFILE ?? '/var/run/docker.pid';

interface Session { id: string; state: string; url?: string; problem?: { next?: string }; containers: { recorder?: string; workspace?: string } }

const k = new KilnSandbox(process.env.KILN_TEST_DOCKER_HOST ? { DOCKER_HOST: process.env.KILN_TEST_DOCKER_HOST } : {});
afterAll(() => k.cleanup());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stop the daemon by its pid (SIGTERM: containers are stopped as on a real restart), start it again. */
async function restartDaemon(): Promise<void> {
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  process.kill(pid, 'SIGTERM');
  await eventually(async () => (alive(pid) ? undefined : true), 300, 100);
  const log = openSync('/tmp/kiln-test-dockerd-restart.log', 'a');
  spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] }).unref();
  await eventually(async () => ((await k.docker.ping().then(() => true, () => false)) ? true : undefined), 300, 200);
}

describe.runIf(enabled)('kiln after the Docker daemon restarted', () => {
  const name = k.name('daemon');

  it('brings the session back: recorder by its restart policy, workspace re-joined to its network', async () => {
    const up = await k.json<Session>(['up', '--name', name]);
    expect(up.code, up.stderr).toBe(0);
    expect((await k.run(['exec', name, '--', 'echo one > one.txt'])).code).toBe(0);

    await restartDaemon();

    const status = await k.json<Session>(['status', name]);
    // Either it is back already, or it says the one command that brings it back.
    let state = status.data.state;
    if (state !== 'running') {
      expect(status.data.problem?.next).toContain(`kiln up --name ${name}`);
      state = (await k.json<Session>(['up', '--name', name])).data.state;
    }
    expect(state, JSON.stringify(status.data)).toBe('running');
    expect(await k.containers(name)).toHaveLength(2);

    const cat = await k.run(['exec', name, '--', 'cat one.txt && echo two > two.txt']);
    expect(cat.stdout).toBe('one\n');
    const verify = await k.json<{ valid: boolean; events: number }>(['verify', name]);
    expect(verify.data.valid).toBe(true);
    const timeline = await k.json<{ kind: number; tags: string[][]; content: string }[]>(['timeline', name, '--kind', '4601']);
    const commands = timeline.data.filter((e) => e.tags.some((t) => t[0] === 't' && t[1] === 'command')).map((e) => (JSON.parse(e.content) as { command: string }).command);
    expect(commands).toEqual(expect.arrayContaining(['echo one > one.txt', 'cat one.txt && echo two > two.txt']));
  });
});
