// Runs a CommonJS bundle through vm.Script with a V8 code cache kept beside it (<dir>/cache/),
// the way VS Code starts: with the cache V8 skips parsing and compiling the bundle (most of a
// CLI start). Node 20 has no module.enableCompileCache, and ES modules take no cached data.
// The cache is one file per bundle build (its name carries the bundle's size, mtime and inode,
// and Node's version), written atomically after a run, twice over behind a header: V8 checks a
// cache's version, flags and source length but not its bytes (a damaged one crashes the
// process), so a file whose two copies differ is never handed to V8. A missing, stale, damaged
// or unwritable cache only costs the compile it would have saved.
// A cache holds what the runs that wrote it compiled; the header lists those runs' kinds (the
// command name), and a run of a kind not listed writes it again, with its own code added.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/** Kinds listed in one cache at most: a stream of mistyped commands cannot make it rewrite forever. */
const MAX_KINDS = 32;

/**
 * Load `file` (a CommonJS bundle) and run its top level; returns its exports and a save() that
 * writes the code cache when V8 had none to accept or `kind` (e.g. the command) is new to it.
 * Call save() after the work, so the cache also holds the functions that work compiled.
 */
export function loadCachedScript(file, kind = '') {
  const fd = openSync(file, 'r');
  let source;
  let st;
  try {
    // The same descriptor for the text and its identity: a build renames a new file into place.
    st = fstatSync(fd);
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const cacheDir = join(dirname(file), 'cache');
  const name = basename(file);
  const cacheFile = join(cacheDir, `${name}.${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}-${st.ino}.v8`);
  let cache;
  try {
    cache = unwrapCache(readFileSync(cacheFile));
  } catch {
    cache = undefined;
  }
  // The wrapper shares the bundle's first line, so line numbers in stack traces stay true.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: file,
    ...(cache ? { cachedData: cache.data } : {}),
    // import() inside the bundle (of files outside it) resolves as from any module.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const accepted = !!cache && script.cachedDataRejected !== true;
  const kinds = accepted ? cache.kinds : [];
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cacheAccepted: accepted,
    save() {
      const known = kinds.includes(kind) || kinds.length >= MAX_KINDS;
      if (accepted && known) return;
      try {
        const data = script.createCachedData();
        mkdirSync(cacheDir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, wrapCache(data, known ? kinds : [...kinds, kind]));
        renameSync(tmp, cacheFile);
        // Caches of earlier builds (and temp files of runs that died mid-write) go.
        for (const other of readdirSync(cacheDir)) {
          if (other.startsWith(`${name}.`) && join(cacheDir, other) !== cacheFile) rmSync(join(cacheDir, other), { force: true });
        }
      } catch {
        // A read-only install: every start compiles, as without a cache.
      }
    },
  };
}

const MAGIC = 0x4b4c4e33; // "KLN3"
const HEADER = 12; // magic, length of the kinds (JSON), length of the data: little-endian u32

/**
 * The file: header, the kinds, then V8's cached data twice: a damaged file has two copies that
 * differ, found by one memcmp (a checksum in JavaScript costs more than the read, before it is
 * optimised).
 */
export function wrapCache(data, kinds = []) {
  const meta = Buffer.from(JSON.stringify(kinds));
  const out = Buffer.alloc(HEADER + meta.length + 2 * data.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(meta.length, 4);
  out.writeUInt32LE(data.length, 8);
  meta.copy(out, HEADER);
  data.copy(out, HEADER + meta.length);
  data.copy(out, HEADER + meta.length + data.length);
  return out;
}

/** { data, kinds } when the header holds and both copies agree, else undefined. */
export function unwrapCache(file) {
  if (file.length < HEADER || file.readUInt32LE(0) !== MAGIC) return undefined;
  const m = file.readUInt32LE(4);
  const n = file.readUInt32LE(8);
  if (file.length !== HEADER + m + 2 * n) return undefined;
  const data = file.subarray(HEADER + m, HEADER + m + n);
  if (!data.equals(file.subarray(HEADER + m + n))) return undefined;
  try {
    const kinds = JSON.parse(file.toString('utf8', HEADER, HEADER + m));
    return Array.isArray(kinds) ? { data, kinds } : undefined;
  } catch {
    return undefined;
  }
}
