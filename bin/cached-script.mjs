// Runs a CommonJS bundle through vm.Script with a V8 code cache kept beside it (<dir>/cache/),
// the way VS Code starts: with the cache V8 skips parsing and compiling the bundle (most of a
// CLI start). Node 20 has no module.enableCompileCache, and ES modules take no cached data.
// The cache is one file per bundle build (its name carries the bundle's size, mtime and inode,
// and Node's version), written atomically after the first run; V8 rejects a cache made by
// another Node or with other flags, and a missing, stale, corrupt or unwritable one only costs
// the compile it would have saved.
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
    cachedData = readFileSync(cacheFile);
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
        writeFileSync(tmp, data);
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
