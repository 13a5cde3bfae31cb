// Terminals on a real container: keys in, screen out, resize, exit codes, and back-pressure on a
// flood of output. Uses the locally present node:20-bookworm-slim, else a busybox test image.
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCollect } from '../../../../src-main/terminals/collect';
import { openTerminal, type Terminal } from '../../../../src-main/terminals/terminal';
import { isKilnError } from '../../../../src-shared/errors';
import { ensureTestImage, removeContainer, startIdleContainer, type TestImage } from '../../../support/test-images';

const docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
let image: TestImage;
let container: Dockerode.Container;
const open: Terminal[] = [];

beforeAll(async () => {
  image = await ensureTestImage(docker);
  container = await startIdleContainer(docker, image);
});
afterAll(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await removeContainer(container);
});

async function term(opts: Partial<Parameters<typeof openTerminal>[0]> = {}): Promise<Terminal> {
  const t = await openTerminal({ docker, container, cols: 80, rows: 24, ...opts });
  open.push(t);
  return t;
}

/** Everything the terminal prints, acked as it arrives (a consumer that keeps up). */
function screen(t: Terminal) {
  let text = '';
  t.onData((chunk) => {
    text += chunk.toString('utf8');
    t.ack(chunk.length);
  });
  return {
    text: () => text,
    /** Resolves when the output so far matches; fails the test after `ms`. */
    waitFor: (re: RegExp, ms = 15_000) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          const m = text.match(re);
          if (m) return resolve(m);
          if (Date.now() - started > ms) return reject(new Error(`no ${re} in terminal output: ${JSON.stringify(text.slice(-500))}`));
          setTimeout(poll, 20);
        };
        poll();
      }),
  };
}

describe('openTerminal', () => {
  it('echoes what is typed through the TTY and runs it', async () => {
    const t = await term({ cmd: [image.shell] });
    const s = screen(t);
    t.write('echo "kiln-$((6*7))"\r');
    await s.waitFor(/kiln-42/);
    // The TTY echoed the typed line itself, then the shell printed the result.
    expect(s.text()).toContain('echo "kiln-$((6*7))"');
    t.write('exit\r');
    expect(await t.exited).toBe(0);
  });

  it('opens the default login shell when no command is given', async () => {
    const t = await term();
    const s = screen(t);
    t.write('echo "shell=$0"\r');
    await s.waitFor(/shell=-?\S*(bash|sh)/);
    t.write('exit\r');
    expect(await t.exited).toBe(0);
  });

  it('starts at the size asked for, and resize changes what `stty size` reports', async () => {
    const t = await term({ cmd: [image.shell], cols: 91, rows: 27 });
    const s = screen(t);
    t.write('stty size\r');
    await s.waitFor(/[\r\n]27 91\r\n/);
    await t.resize(132, 43);
    t.write('stty size\r');
    await s.waitFor(/[\r\n]43 132\r\n/);
    t.write('exit\r');
    await t.exited;
  });

  it('reports the exit code of what ran, to listeners registered before and after the exit', async () => {
    const t = await term({ cmd: ['sh', '-c', 'exit 7'] });
    const early = new Promise<number | null>((resolve) => t.onExit(resolve));
    expect(await early).toBe(7);
    const late = await new Promise<number | null>((resolve) => t.onExit(resolve));
    expect(late).toBe(7);
  });

  it('passes env, cwd and user to the command', async () => {
    const t = await term({ cmd: ['sh', '-c', 'echo "$KILN_X:$(pwd):$(id -u)"'], env: { KILN_X: 'hello' }, cwd: '/tmp', user: '65534' });
    const s = screen(t);
    await s.waitFor(/hello:\/tmp:65534/);
    expect(await t.exited).toBe(0);
  });

  it('close() ends the shell and what runs in it, as closing a window does', async () => {
    const t = await term({ cmd: [image.shell] });
    const s = screen(t);
    t.write('echo ready; sleep 4242\r');
    await s.waitFor(/[\r\n]ready\r\n/);
    await t.close();
    expect(await t.exited).toBe(129); // 128 + SIGHUP
    expect((await docker.getExec(t.id).inspect()).Running).toBe(false);
    const top = (await container.top()) as { Processes: string[][] };
    expect(top.Processes.map((p) => p.join(' ')).join('\n')).not.toContain('sleep 4242');
  });

  it('refuses a stopped container with a sentence and a next step', async () => {
    const stopped = await docker.createContainer({ Image: image.tag, Cmd: ['true'], Labels: { 'kiln.test': '1' } });
    try {
      const err = await openTerminal({ docker, container: stopped, cols: 80, rows: 24 }).catch((e: unknown) => e);
      const kiln = (err as { kiln?: unknown }).kiln;
      expect(isKilnError(kiln)).toBe(true);
      expect(kiln).toMatchObject({ code: 'E_TERMINAL_NOT_RUNNING' });
    } finally {
      await removeContainer(stopped);
    }
  });
});

describe('openTerminal flow control', () => {
  const TOTAL = 20 * 1024 * 1024;
  const HIGH = 512 * 1024;

  it('pauses a flood of output while the consumer does not ack, then delivers every byte on acks', async () => {
    // Raw bytes, no newlines: the TTY passes them through unchanged, so the count is exact.
    const t = await term({
      cmd: ['sh', '-c', `dd if=/dev/zero bs=1048576 count=20 2>/dev/null | tr '\\000' x`],
      flow: { highWater: HIGH, lowWater: 128 * 1024 },
    });
    let received = 0;
    let acking = false;
    let exited = false;
    void t.exited.then(() => (exited = true));
    t.onData((chunk) => {
      received += chunk.length;
      if (acking) t.ack(chunk.length);
    });

    // Not acking: deliveries stop soon after the high-water mark, with the source paused.
    let last = -1;
    while (received !== last) {
      last = received;
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(t.paused).toBe(true);
    expect(exited).toBe(false);
    expect(received).toBeGreaterThan(HIGH);
    expect(received).toBeLessThan(HIGH + 1024 * 1024); // + one batch and what was in flight
    expect(t.unacked).toBe(received);

    // Ack what was delivered; from now on ack as it arrives: the rest flows and nothing is lost.
    acking = true;
    t.ack(received);
    expect(await t.exited).toBe(0);
    expect(received).toBe(TOTAL);
  });
});

describe('execCollect', () => {
  it('returns stdout, stderr and the exit code apart', async () => {
    const r = await execCollect({ docker, container, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
    expect(r).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', truncated: false });
  });

  it('feeds stdin and closes it, with env, cwd and user', async () => {
    const r = await execCollect({
      docker,
      container,
      cmd: ['sh', '-c', 'cat; echo "$KILN_Y $(pwd) $(id -u)"'],
      stdin: 'line one\nline two\n',
      env: { KILN_Y: 'why' },
      cwd: '/tmp',
      user: '65534',
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('line one\nline two\nwhy /tmp 65534\n');
  });

  it('keeps at most maxBytes of output and says it cut', async () => {
    const r = await execCollect({ docker, container, cmd: ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\000" y'], maxBytes: 1000 });
    expect(r.stdout).toBe('y'.repeat(1000));
    expect(r.truncated).toBe(true);
    expect(r.exitCode).toBe(0);
  });

  it('a missing command is an exit code, not a crash', async () => {
    const r = await execCollect({ docker, container, cmd: ['sh', '-c', 'no-such-command-kiln'] });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/not found/);
  });
});
