// Whether the recorder's state outlives this container: /var/lib/kiln is its own mount (a named
// volume or a bind mount) only when `docker run -v kiln-state:/var/lib/kiln` gave one. Without
// it the record lives in the container's writable layer and goes with `docker rm`.
import { readFileSync } from 'node:fs';

/** Mount points in /proc/self/mountinfo (field 5), with its octal escapes (\040 for a space) undone. */
export function mountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** True when `dir` or a folder above it (other than /) is a mount point. */
export function isPersistent(dir: string, mountinfo?: string): boolean {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      return false;
    }
  }
  const points = new Set(mountPoints(text));
  for (let d = dir.replace(/\/+$/, ''); d && d !== '/'; d = d.slice(0, d.lastIndexOf('/'))) {
    if (points.has(d)) return true;
  }
  return false;
}
