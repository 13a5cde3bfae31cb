// Repository (or app resources) root: holds src-container/ and out/kilnd/. The nearest folder up
// from this module that has src-container/: src-main/ from the sources, out/cli/ from the CLI
// bundle. Its own module so the commands that need only this load none of the services.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, 'src-container'))) return d;
    if (dirname(d) === d) return join(from, '..');
  }
}
