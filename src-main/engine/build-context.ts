// A Docker build context as a list of files under a folder plus virtual files (extra CA
// certificates, placeholders) added to the stream only — nothing is ever written into the repo.
// The same list gives the context's hash, so "has anything the image is made of changed?" is one
// string compare against the label on the existing image.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pack } from 'tar-fs';

/** A file that exists only in the streamed context. `name` is a POSIX path relative to the context root. */
export interface VirtualFile {
  name: string;
  content: Buffer | string;
}

export interface BuildContext {
  dir: string;
  /** Real files, POSIX paths relative to `dir`, sorted. */
  files: string[];
  virtual: VirtualFile[];
}

// Never part of a context, wherever they appear: dependencies are installed inside the image.
const SKIPPED_NAMES = new Set(['node_modules', '.git', '.DS_Store']);

function toPosix(path: string): string {
  return sep === posix.sep ? path : path.split(sep).join(posix.sep);
}

function walk(dir: string, rel: string, out: string[]): void {
  const full = join(dir, rel);
  const stat = lstatSync(full);
  if (stat.isDirectory()) {
    for (const name of readdirSync(full)) {
      if (!SKIPPED_NAMES.has(name)) walk(dir, join(rel, name), out);
    }
  } else if (stat.isFile() || stat.isSymbolicLink()) {
    out.push(toPosix(rel));
  }
}

/** Files under `dir` named by `paths` (files or folders, walked); paths that do not exist are skipped. */
export function collectContext(dir: string, paths: readonly string[], virtual: VirtualFile[] = []): BuildContext {
  const files: string[] = [];
  for (const p of paths) {
    if (existsSync(join(dir, p))) walk(dir, relative(dir, join(dir, p)), files);
  }
  const names = new Set(files);
  for (const v of virtual) {
    if (names.has(v.name)) throw new Error(`virtual file ${v.name} would hide a real file of the build context`);
  }
  return { dir, files: [...new Set(files)].sort(), virtual: [...virtual].sort((a, b) => a.name.localeCompare(b.name)) };
}

/**
 * sha256 over every path, executable bit and content of the context, plus `extra` (build args,
 * Dockerfile name). Independent of timestamps and of the order files were listed in.
 */
export function hashContext(ctx: BuildContext, extra: Record<string, string> = {}): string {
  const h = createHash('sha256');
  const field = (s: string | Buffer) => {
    h.update(String(Buffer.byteLength(s)));
    h.update(':');
    h.update(s);
  };
  for (const f of ctx.files) {
    const full = join(ctx.dir, f);
    const stat = lstatSync(full);
    field(f);
    field(stat.isSymbolicLink() ? 'l' : stat.mode & 0o111 ? 'x' : '-');
    field(readFileSync(full));
  }
  for (const v of ctx.virtual) {
    field(`virtual:${v.name}`);
    field(v.content);
  }
  for (const key of Object.keys(extra).sort()) {
    field(`extra:${key}`);
    field(extra[key] ?? '');
  }
  return `sha256:${h.digest('hex')}`;
}

/** The context as a tar stream for the engine's /build endpoint. */
export function packContext(ctx: BuildContext): Readable {
  return pack(ctx.dir, {
    entries: ctx.files,
    finalize: false,
    finish(tar) {
      for (const v of ctx.virtual) tar.entry({ name: v.name, mode: 0o644 }, v.content);
      tar.finalize();
    },
  }) as unknown as Readable;
}
