// Paths inside the work tree are kept as "byte strings": the raw bytes of the name, one latin1
// character per byte. That round-trips any name (invalid UTF-8, control characters) through
// fs calls and git tree entries unchanged; `display` turns one into text for people.

/** A work-tree-relative path as a latin1 byte string, '/'-separated, no leading slash. */
export type RelPath = string;

const ASCII = /^[\x00-\x7f]*$/;

/** The path for fs calls: a string when the name is ASCII (most are, and a Buffer per call costs), raw bytes otherwise. */
export function fsPath(workTree: string, rel: RelPath): string | Buffer {
  if (rel === '') return workTree;
  return ASCII.test(rel) ? `${workTree}/${rel}` : Buffer.concat([Buffer.from(`${workTree}/`), Buffer.from(rel, 'latin1')]);
}

/** Text for people and for the public API (lossy only for names that are not UTF-8). */
export function display(rel: RelPath): string {
  return Buffer.from(rel, 'latin1').toString('utf8');
}

/** A UTF-8 path given by a caller (or the watcher) as a byte string. */
export function fromText(text: string): RelPath {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function parentOf(rel: RelPath): RelPath {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function baseName(rel: RelPath): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

export function join(dir: RelPath, name: string): RelPath {
  return dir === '' ? name : `${dir}/${name}`;
}

/** '' and every ancestor directory of `rel`, root first (not `rel` itself). */
export function ancestors(rel: RelPath): RelPath[] {
  const out: RelPath[] = [''];
  let i = rel.indexOf('/');
  while (i >= 0) {
    out.push(rel.slice(0, i));
    i = rel.indexOf('/', i + 1);
  }
  return out;
}

export function depth(rel: RelPath): number {
  if (rel === '') return 0;
  let n = 1;
  for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) n++;
  return n;
}
