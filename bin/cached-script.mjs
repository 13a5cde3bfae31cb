// Runs a CommonJS bundle through vm.Script with a V8 code cache kept beside it (<dir>/cache/),
// the way VS Code starts: with the cache V8 skips parsing and compiling the bundle (most of a
// CLI start). Node 20 has no module.enableCompileCache, and ES modules take no cached data.
// The cache is one file per bundle build (its name carries the bundle's size, mtime and inode,
// and Node's version), written atomically after the first run, twice over behind a header: V8
// checks a cache's version, flags and source length but not its bytes (a damaged one crashes
// the process), so a file whose two copies differ is never handed to V8. A missing, stale,
// damaged or unwritable cache only costs the compile it would have saved.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * Load `file` (a CommonJS bundle) and run its top level; returns its exports and a save()
 * that writes the code cache when there was none that V8 accepted. Call save() after the
 * work, so the cache also holds the functions that work compiled.
 */
export function loadCachedScript(file) {
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
  let cachedData;
  try {
    cachedData = unwrapCache(readFileSync(cacheFile));
  } catch {
    cachedData = undefined;
  }
  // The wrapper shares the bundle's first line, so line numbers in stack traces stay true.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // import() inside the bundle (of files outside it) resolves as from any module.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const fresh = !cachedData || script.cachedDataRejected === true;
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cacheAccepted: !fresh,
    save() {
      if (!fresh) return;
      try {
        const data = script.createCachedData();
        mkdirSync(cacheDir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, wrapCache(data));
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

const MAGIC = 0x4b4c4e32; // "KLN2"
const HEADER = 8; // magic and length, little-endian u32

/**
 * V8's cached data, written twice behind the header: a damaged file has two copies that differ,
 * found by one memcmp (a checksum in JavaScript costs more than the read, before it is
 * optimised).
 */
export function wrapCache(data) {
  const out = Buffer.alloc(HEADER + 2 * data.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(data.length, 4);
  data.copy(out, HEADER);
  data.copy(out, HEADER + data.length);
  return out;
}

/** The cached data when the header holds and both copies agree, else undefined. */
export function unwrapCache(file) {
  if (file.length < HEADER || file.readUInt32LE(0) !== MAGIC) return undefined;
  const n = file.readUInt32LE(4);
  if (file.length !== HEADER + 2 * n) return undefined;
  const data = file.subarray(HEADER, HEADER + n);
  return data.equals(file.subarray(HEADER + n)) ? data : undefined;
}
