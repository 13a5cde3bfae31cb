// A terminal as a local PTY (node-pty), for the all-in-one container where the session is the
// container itself: the same Terminal contract as the Docker exec stream (src-main/terminals/
// terminal.ts), with the same output side (terminals/output.ts: OutputFlow batching, and
// back-pressure pausing and resuming the PTY's reads) and resize. node-pty is a native module:
// it is built in the image (src-container/package.json) and loaded at run time, so nothing on the
// host needs it.
import { KilnFailure, kilnError } from '../../src-shared/errors';
import type { FlowLimits } from '../terminals/flow';
import { terminalOutput } from '../terminals/output';
import type { Terminal } from '../terminals/terminal';

/** The part of node-pty's API used here (its types are not installed on the host). */
interface Pty {
  readonly pid: number;
  onData(cb: (data: Buffer | string) => void): { dispose(): void };
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}
interface NodePty {
  spawn(file: string, args: string[], opts: Record<string, unknown>): Pty;
}

export interface LocalTerminalOptions {
  cmd: string[];
  env: Record<string, string>;
  cwd: string;
  uid?: number;
  gid?: number;
  cols: number;
  rows: number;
  flow?: Partial<FlowLimits>;
  /** For tests: a node-pty module given directly. */
  pty?: NodePty;
}

let loaded: Promise<NodePty> | undefined;
async function nodePty(): Promise<NodePty> {
  // A computed specifier: the bundler leaves it to run time, where the image's node_modules has it.
  const name = 'node-pty';
  loaded ??= import(name).then((m: { default?: NodePty; spawn?: NodePty['spawn'] }) => (m.spawn ? (m as NodePty) : m.default!));
  return loaded;
}

const clamp = (n: number) => Math.max(1, Math.min(1000, Math.floor(n)));

export async function openLocalTerminal(opts: LocalTerminalOptions): Promise<Terminal> {
  let pty: Pty;
  try {
    const mod = opts.pty ?? (await nodePty());
    const [file, ...args] = opts.cmd;
    pty = mod.spawn(file!, args, {
      name: 'xterm-256color',
      cols: clamp(opts.cols),
      rows: clamp(opts.rows),
      cwd: opts.cwd,
      env: opts.env,
      // Raw bytes: the registry decodes UTF-8 across chunk boundaries and acks in bytes.
      encoding: null,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
  } catch (err) {
    throw new KilnFailure(kilnError('E_TERMINAL_OPEN', `Could not open a terminal: ${((err as Error).message ?? String(err)).split('\n')[0]}`, 'Check the container log (docker logs), then try again.'));
  }

  const out = terminalOutput({ pause: () => pty.pause(), resume: () => pty.resume() }, opts.flow);
  pty.onData((d) => out.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : d));
  const exited = new Promise<number | null>((resolve) => {
    pty.onExit(({ exitCode: code, signal }) => {
      out.flush();
      const exitCode = signal ? 128 + signal : code;
      out.exit(exitCode);
      resolve(exitCode);
    });
  });

  return out.terminal({
    id: `pty-${pty.pid}`,
    write(data) {
      if (out.exitCode === undefined) pty.write(typeof data === 'string' ? data : Buffer.from(data));
    },
    async resize(cols, rows) {
      if (out.exitCode !== undefined) return;
      try {
        pty.resize(clamp(cols), clamp(rows));
      } catch (err) {
        if (out.exitCode === undefined) throw new KilnFailure(kilnError('E_TERMINAL_RESIZE', `The terminal could not be resized: ${(err as Error).message}`));
      }
    },
    async close() {
      // SIGHUP as a closed window sends (bash passes it to its jobs); SIGKILL for what ignores it.
      for (const signal of ['SIGHUP', 'SIGKILL']) {
        if (out.exitCode !== undefined) break;
        try {
          pty.kill(signal);
        } catch {
          break; // already gone
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      }
      out.dispose();
    },
    exited,
  });
}
