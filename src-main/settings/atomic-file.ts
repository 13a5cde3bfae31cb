// A small JSON file only its owner may read, written atomically (temp file + rename): an
// interrupted write never leaves half a file, and the mode is 0600 from the first byte.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

export function writePrivateJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600); // a umask cannot widen it, but an existing file's mode could be wider
  renameSync(tmp, path);
}

/** The parsed file, or undefined when it is missing or not JSON (a broken file is replaced on the next write). */
export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
