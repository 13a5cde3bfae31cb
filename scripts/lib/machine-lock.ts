// A lock shared by every run on this machine (several runs may start at once: a developer's
// and a helper's), so that one builds an image while the others wait and then find it built.
// mkdir is atomic; the owner's pid inside lets a lock left by a killed run be taken over.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function ownerAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    // Created but the pid not written yet — or abandoned right there: trust it for a while.
    try {
      return Date.now() - statSync(dir).mtimeMs < 30_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withMachineLock<T>(name: string, onWait: (msg: string) => void, fn: () => Promise<T>): Promise<T> {
  const dir = join(tmpdir(), `kiln-${name}.lock`);
  let told = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!ownerAlive(dir)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (!told) onWait(`waiting for another test run on this machine (${name})`);
      told = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
