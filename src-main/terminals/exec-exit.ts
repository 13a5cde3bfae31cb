// The exit code of a finished exec. The attach stream can end a moment before the engine has
// recorded the exit, so `Running: true` right after the end is normal: ask again, briefly.
import type Dockerode from 'dockerode';

export async function waitExecExit(exec: Dockerode.Exec, opts: { attempts?: number; intervalMs?: number } = {}): Promise<number | null> {
  const attempts = opts.attempts ?? 40;
  const intervalMs = opts.intervalMs ?? 50;
  for (let i = 0; i < attempts; i++) {
    try {
      const info = await exec.inspect();
      if (!info.Running) return info.ExitCode ?? null;
    } catch {
      return null; // the container (and its execs) are gone
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return null;
}

export function containerOf(docker: Dockerode, container: string | Dockerode.Container): Dockerode.Container {
  return typeof container === 'string' ? docker.getContainer(container) : container;
}

export function envList(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
}
