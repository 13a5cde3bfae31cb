// Builds what runs outside the TypeScript sources:
//   out/kilnd/kilnd.mjs   the recorder, bundled with src-shared and its npm deps; the native
//                         ones come from src-container/package.json inside the image
//   out/renderer/         the UI (vite.config.ts: src-renderer/index.html, hashed assets)
//   out/cli/kiln.cjs      the `kiln` command (bin/kiln.mjs runs it, with a V8 code cache in
//                         out/cli/cache/, while it is newer than its sources; out/cli/inputs.json
//                         lists them), npm packages bundled in
//   out/app/              the desktop app electron-builder packs (buildElectron, below)
//   out/aio/server.mjs    the all-in-one container's window server (buildAllInOne)
// Usage: node scripts/build.mjs [--kilnd] [--renderer] [--cli] [--aio] [--electron]   (no flag: everything)
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Node bundles as ES modules with npm's CommonJS inside: it needs a `require` and the CommonJS names. */
const ESM_NODE_BANNER = [
  "import { createRequire as __kilnRequire } from 'node:module';",
  "import { fileURLToPath as __kilnPath } from 'node:url';",
  'const require = __kilnRequire(import.meta.url);',
  'const __filename = __kilnPath(import.meta.url);',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
].join(' ');
/** ES module builds first: a UMD main (jsonc-parser's) requires its parts at run time, out of the bundler's sight. */
const ES_FIRST = ['module', 'main'];

/** The recorder's native modules: built for the image's Node in its kilnd-deps stage. */
const KILND_NATIVE = ['better-sqlite3', 'node-pty', '*.node'];

export async function buildKilnd() {
  await build({
    entryPoints: [path.join(root, 'src-container/kilnd/main.ts')],
    outfile: path.join(root, 'out/kilnd/kilnd.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // npm packages bundled in (the ES module loader took ~0.5 s of every recorder start to find
    // and link nostr-tools', noble's and zod's files); the native ones stay in the image's
    // node_modules (src-container/package.json), which CommonJS inside needs a `require` for.
    external: KILND_NATIVE,
    banner: { js: ESM_NODE_BANNER },
    mainFields: ES_FIRST,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return path.join(root, 'out/kilnd/kilnd.mjs');
}

export async function buildRenderer() {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  return path.join(root, 'out/renderer');
}


/**
 * Modules the engine client loads at start but Kiln's everyday commands never call: dockerode's
 * BuildKit session (gRPC, protobufjs) and docker-modem's ssh:// transport (ssh2), ~1 MB of code
 * to compile at every start. Each is replaced by a stub that requires the real module (from
 * node_modules, beside the bundle) on its first call.
 */
const LAZY_MODULES = [
  { importer: /[\\/]dockerode[\\/]lib$/, spec: './session', real: 'dockerode/lib/session.js' },
  { importer: /[\\/]docker-modem[\\/]lib$/, spec: './ssh', real: 'docker-modem/lib/ssh.js' },
];
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    for (const m of LAZY_MODULES) {
      const filter = new RegExp(`^${m.spec.replace(/[./]/g, '\\$&')}$`);
      b.onResolve({ filter }, (args) => (m.importer.test(args.resolveDir) ? { path: m.real, namespace: 'lazy' } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      // An indirect require: esbuild leaves it to run time.
      contents: `const load = require; module.exports = function () { return load(${JSON.stringify(args.path)}).apply(this, arguments); };`,
      loader: 'js',
    }));
  },
};

/**
 * Modules that cost milliseconds to load and that the everyday commands (ls, exec, up over a
 * unix socket) never touch: Node's https/tls (docker-modem requires https at its top),
 * crypto, zlib and child_process, and tar-fs (dockerode's build context; Kiln packs its own).
 * Each becomes a stand-in object that loads the real module on the first use of any of its
 * properties (esbuild reads a named import as a property at its use, not at load).
 */
const LAZY_OBJECTS = /^(node:)?(https|tls|crypto|zlib|child_process)$|^tar-fs$/;
const lazyObjects = {
  name: 'lazy-objects',
  setup(b) {
    const requireHere = createRequire(import.meta.url);
    b.onResolve({ filter: LAZY_OBJECTS }, (args) =>
      args.namespace === 'lazy-object' ? undefined : { path: args.path, namespace: 'lazy-object', pluginData: { resolveDir: args.resolveDir } },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-object' }, (args) => {
      // Its names, known without loading it: an ES module importing it copies them (__toESM)
      // as getters, and a getter is the first use.
      const keys = Object.keys(requireHere(createRequire(path.join(args.pluginData.resolveDir, 'x')).resolve(args.path)));
      return {
        // The require inside load() is bundled (tar-fs) or left to Node (built-ins) as usual.
        contents: `let real; const load = () => (real ??= require(${JSON.stringify(args.path)}));
const keys = ${JSON.stringify(keys)};
const stand = new Proxy({}, {
  get: (_, k) => (k === '__esModule' ? undefined : load()[k]),
  // An object whose prototype this is (docker-modem does that) gets its own property.
  set: (_, k, v, receiver) => (receiver === stand ? Reflect.set(load(), k, v) : Reflect.defineProperty(receiver, k, { value: v, writable: true, enumerable: true, configurable: true })),
  has: (_, k) => k in load(),
  ownKeys: () => (real ? Reflect.ownKeys(real) : keys),
  getOwnPropertyDescriptor: (_, k) => {
    if (!real && keys.includes(k)) return { value: undefined, writable: true, enumerable: true, configurable: true };
    const d = Reflect.getOwnPropertyDescriptor(load(), k);
    return d && { ...d, configurable: true };
  },
});
module.exports = stand;`,
        loader: 'js',
        resolveDir: args.pluginData.resolveDir,
      };
    });
  },
};

/**
 * docker-modem formats every request for its debug log (util.inspect, all depths) whether or
 * not DEBUG=modem is on: a few milliseconds on every engine call. The bundled copy formats only
 * when that log is on.
 */
const MODEM_DEBUG = "debug('Sending: %s', util.inspect(";
const quietModem = {
  name: 'quiet-modem',
  setup(b) {
    b.onLoad({ filter: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      if (!text.includes(MODEM_DEBUG)) return { contents: text, loader: 'js', warnings: [{ text: 'quiet-modem: docker-modem changed; its debug formatting stays on' }] };
      return { contents: text.replace(MODEM_DEBUG, `debug.enabled && ${MODEM_DEBUG}`), loader: 'js' };
    });
  },
};

/**
 * The CLI as one CommonJS file, out/cli/kiln.cjs: bin/kiln.mjs runs it through vm.Script with a
 * V8 code cache (bin/cached-script.mjs), which ES modules cannot have on Node 20; what a command
 * needs still runs only when it runs (esbuild keeps a dynamic import() a lazy init). Writes
 * out/cli/inputs.json: the source files the bundle was made from, which bin/kiln.mjs compares
 * against to fall back to the sources.
 */
export async function buildCli() {
  const outdir = path.join(root, 'out/cli');
  const result = await build({
    write: false,
    entryPoints: { kiln: path.join(root, 'src-main/cli/main.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // npm packages bundled too: resolving and reading hundreds of small CommonJS files is most
    // of a start. Native addons stay outside.
    external: ['*.node', 'cpu-features', 'electron'],
    mainFields: ES_FIRST,
    plugins: [lazyModules, lazyObjects, quietModem],
    // ESM sources read import.meta.url; in a CommonJS bundle it is this file's URL.
    define: { 'import.meta.url': '__kilnImportMetaUrl' },
    banner: { js: "const __kilnImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    outExtension: { '.js': '.cjs' },
    // No comments (some are not ASCII, and a string with one non-ASCII character is read at
    // half the speed and twice the size); names stay as written, for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  // A `kiln` may be running while this builds (tests, a second terminal): every file is renamed
  // into place (a new inode, so the old process keeps its text), and the bundle comes last.
  const write = (file, contents) => {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, file);
  };
  const bundle = path.join(outdir, 'kiln.cjs');
  for (const f of result.outputFiles) if (f.path !== bundle) write(f.path, f.contents);
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules') && !f.includes(':')).sort();
  write(path.join(outdir, 'inputs.json'), JSON.stringify({ inputs }, null, 1) + '\n');
  write(bundle, result.outputFiles.find((f) => f.path === bundle).contents);
  // What earlier builds made: the ES module bundle and its chunks.
  for (const old of ['kiln.mjs', 'kiln.mjs.map', 'chunks']) rmSync(path.join(outdir, old), { recursive: true, force: true });
  return bundle;
}

// ---- The desktop app: out/app is exactly what electron-builder packs (directories.app) ----
//   out/app/main.cjs      the Electron main process, every JS dependency inlined (electron external)
//   out/app/preload.cjs   the sandboxed preload (one file: a sandboxed preload cannot require ours)
//   out/app/renderer/     a copy of out/renderer (the renderer's Vite build), served as app://kiln
//   out/app/package.json  name, version, main — and no dependencies, so no node_modules ship
// The esbuild metafile goes to out/app-meta.json for scripts/check-native-modules.mjs.
const APP_DIR = path.join(root, 'out/app');

/** Packages the bundle may leave out: optional native speed-ups their users try, catch and do without. */
export const OPTIONAL_NATIVE = ['cpu-features', 'bufferutil', 'utf-8-validate'];

// Optional native speed-ups (ws's bufferutil, ssh2's cpu-features and sshcrypto.node) become a
// module that throws "not found", which their users catch and do without. Any other .node stays
// an external require, so scripts/check-native-modules.mjs names it and `npm run dist` stops.
export const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    const optional = new RegExp(`^(${OPTIONAL_NATIVE.join('|')})$`);
    b.onResolve({ filter: optional }, (a) => ({ path: a.path, namespace: 'absent' }));
    b.onResolve({ filter: /\.node$/ }, (a) =>
      /[\\/]node_modules[\\/]ssh2[\\/]/.test(a.importer) ? { path: a.path, namespace: 'absent' } : { path: a.path, external: true },
    );
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (a) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${a.path}' (not shipped in the desktop app)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

export async function buildElectron({ outDir = APP_DIR, rendererDir = path.join(root, 'out/renderer') } = {}) {
  const { mkdir, readFile, writeFile, rm, cp, access } = await import('node:fs/promises');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const common = { absWorkingDir: root, bundle: true, target: 'node22', format: 'cjs', legalComments: 'none', logLevel: 'warning', sourcemap: false, metafile: true };
  const main = await build({
    ...common,
    entryPoints: [path.join(root, 'src-main/app/main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
    platform: 'node',
    external: ['electron'],
    mainFields: ES_FIRST,
    // ESM sources read import.meta.url; in a CommonJS bundle it is this file's URL.
    define: { 'import.meta.url': '__kilnImportMetaUrl' },
    banner: { js: "const __kilnImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [nativeAddons],
  });
  const preload = await build({
    ...common,
    entryPoints: [path.join(root, 'src-main/app/preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    platform: 'browser',
    external: ['electron'],
  });
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  const appPkg = {
    name: pkg.name,
    productName: pkg.productName,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    author: pkg.author ?? { name: 'Kiln contributors' },
    homepage: pkg.homepage,
    main: 'main.cjs',
  };
  await writeFile(path.join(outDir, 'package.json'), JSON.stringify(appPkg, null, 2) + '\n');
  let renderer = false;
  try {
    await access(path.join(rendererDir, 'index.html'));
    await cp(rendererDir, path.join(outDir, 'renderer'), { recursive: true });
    renderer = true;
  } catch {
    console.warn(`build: no renderer build in ${path.relative(root, rendererDir)} (run the renderer build first); the app will show nothing`);
  }
  const meta = { inputs: { ...main.metafile.inputs, ...preload.metafile.inputs }, outputs: { ...main.metafile.outputs, ...preload.metafile.outputs } };
  await writeFile(path.join(path.dirname(outDir), `${path.basename(outDir)}-meta.json`), JSON.stringify(meta));
  return { dir: outDir, renderer };
}

/**
 * The host core for the all-in-one container: out/aio/server.mjs (src-main/local/main.ts, the
 * window's server on the local Engine), npm packages bundled in like the CLI. node-pty is loaded
 * at run time from the image's node_modules (a native module built inside the image).
 */
export async function buildAllInOne() {
  const outdir = path.join(root, 'out/aio');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { server: path.join(root, 'src-main/local/main.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: ESM_NODE_BANNER },
    external: ['node-pty', 'electron'],
    mainFields: ES_FIRST,
    plugins: [lazyModules, nativeAddons],
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return path.join(outdir, 'server.mjs');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flags = new Set(process.argv.slice(2));
  const all = !['--kilnd', '--cli', '--renderer', '--electron', '--aio'].some((f) => flags.has(f));
  if (all || flags.has('--kilnd')) {
    const t0 = Date.now();
    await buildKilnd();
    console.log(`built out/kilnd in ${Date.now() - t0} ms`);
  }
  if (all || flags.has('--renderer')) {
    const t0 = Date.now();
    await buildRenderer();
    console.log(`built out/renderer in ${Date.now() - t0} ms`);
  }
  if (all || flags.has('--cli')) {
    const t0 = Date.now();
    await buildCli();
    console.log(`built out/cli in ${Date.now() - t0} ms`);
  }
  if (all || flags.has('--aio')) {
    const t0 = Date.now();
    await buildAllInOne();
    console.log(`built out/aio in ${Date.now() - t0} ms`);
  }
  // The desktop app last: it copies the renderer's build.
  if (all || flags.has('--electron')) {
    const t0 = Date.now();
    await buildElectron();
    console.log(`built out/app (Electron main, preload, renderer copy) in ${Date.now() - t0} ms`);
  }
}
