// Fails when the desktop app would ship a native Node module. Kiln's only native dependency
// (better-sqlite3) belongs in the runtime image, where it is compiled for Linux; a .node file in
// the app would tie it to one Electron ABI and one CPU, and break the universal macOS build.
// Run by `npm run dist` after the build, before electron-builder. It walks what would ship:
//   1. the app folder electron-builder packs (out/app): any *.node or binding.gyp;
//   2. the app's declared dependencies, resolved as electron-builder would copy them;
//   3. what esbuild put in the bundles (out/app-meta.json): every package a bundle took code
//      from, when that package carries native code, and any import left outside the bundle;
//   4. extraResources (the runtime image's build context).
// Usage: node scripts/check-native-modules.mjs [appDir]   (exit 1 and one line per finding)
import { existsSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packages whose native part is optional and which work without it (the bundle stubs the native
 * require; they fall back to JavaScript): ssh2's sshcrypto, cpu-features, ws's speed-ups.
 */
export const OPTIONAL_NATIVE_USERS = {
  ssh2: 'its native crypto binding is optional; ssh2 falls back to JavaScript',
  'cpu-features': 'optional for ssh2; not bundled',
  bufferutil: "optional for ws; ws falls back to JavaScript",
  'utf-8-validate': "optional for ws; ws falls back to JavaScript",
};

const NATIVE_LOADERS = new Set(['bindings', 'node-gyp-build', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'node-addon-api', 'nan']);

/** *.node files and binding.gyp under `dir` (symlinks not followed), as paths relative to `dir`. */
export function nativeFilesIn(dir, limit = 20) {
  const found = [];
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (found.length >= limit) return;
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile() && (e.name.endsWith('.node') || e.name === 'binding.gyp')) found.push(path.relative(dir, abs));
    }
  };
  walk(dir);
  return found;
}

/** Why a package folder is native, or null: native files, `gypfile`, or a native loader dependency. */
export function nativeReason(pkgDir) {
  const files = nativeFilesIn(pkgDir, 3);
  if (files.length) return `it contains ${files.join(', ')}`;
  try {
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.gypfile) return 'its package.json says gypfile: true';
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
    const loader = deps.find((d) => NATIVE_LOADERS.has(d));
    if (loader) return `it loads a native addon through ${loader}`;
    if (pkg.scripts?.install && /node-gyp|prebuild/.test(pkg.scripts.install)) return `its install script builds native code (${pkg.scripts.install})`;
  } catch {
    // no package.json: judged by its files alone
  }
  return null;
}

/** node_modules lookup from `fromDir` upwards, as Node and electron-builder resolve a dependency. */
function resolvePackageDir(name, fromDir, stopAt) {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === stopAt || path.dirname(dir) === dir) return null;
    dir = path.dirname(dir);
  }
}

/** The production dependency closure of the package in `appDir` (what electron-builder copies). */
export function shippedPackages(appDir) {
  const seen = new Map();
  const visit = (pkgDir, isRoot) => {
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    } catch {
      return;
    }
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const dir = resolvePackageDir(name, pkgDir, isRoot ? appDir : path.parse(pkgDir).root);
      if (!dir || seen.has(dir)) continue;
      seen.set(dir, name);
      visit(dir, false);
    }
  };
  visit(appDir, true);
  return [...seen].map(([dir, name]) => ({ name, dir }));
}

/** The package a bundled input file came from: { name, dir } for node_modules paths, else null. */
function packageOf(inputPath, baseDir) {
  const norm = inputPath.split(path.sep).join('/');
  const i = norm.lastIndexOf('node_modules/');
  if (i < 0) return null;
  const rest = norm.slice(i + 'node_modules/'.length).split('/');
  const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  return { name, dir: path.resolve(baseDir, norm.slice(0, i + 'node_modules/'.length) + name) };
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Every native module the app would ship, as sentences. `metafile`: esbuild's, whose input paths
 * are relative to `metaBase` (the directory esbuild ran in).
 */
export function findNativeModules({ appDir, metafile, metaBase = root, extraDirs = [], allowExternal = ['electron'] }) {
  const problems = [];
  for (const f of nativeFilesIn(appDir)) problems.push(`${path.join(appDir, f)}: a native file in the app folder`);
  for (const { name, dir } of shippedPackages(appDir)) {
    const why = nativeReason(dir);
    if (why) problems.push(`${name} (${dir}): a dependency of the app that is native — ${why}`);
  }
  if (metafile) {
    const reported = new Set();
    for (const input of Object.keys(metafile.inputs ?? {})) {
      const pkg = packageOf(input.replace(/^[a-z-]+:/, ''), metaBase);
      if (!pkg || reported.has(pkg.name) || Object.hasOwn(OPTIONAL_NATIVE_USERS, pkg.name)) continue;
      reported.add(pkg.name);
      const why = nativeReason(pkg.dir);
      if (why) problems.push(`${pkg.name} (${pkg.dir}): bundled into the app but native — ${why}`);
    }
    for (const [out, { imports = [] }] of Object.entries(metafile.outputs ?? {})) {
      for (const imp of imports) {
        if (!imp.external || BUILTINS.has(imp.path) || allowExternal.includes(imp.path)) continue;
        problems.push(`${out}: requires "${imp.path}" at run time, which is not in the bundle and would have to ship as a module`);
      }
    }
  }
  for (const dir of extraDirs) for (const f of nativeFilesIn(dir)) problems.push(`${path.join(dir, f)}: a native file in the app's extra resources`);
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const appDir = path.resolve(process.argv[2] ?? path.join(root, 'out/app'));
  if (!existsSync(path.join(appDir, 'package.json'))) {
    console.error(`check-native-modules: ${appDir} has no package.json; run \`node scripts/build.mjs\` first.`);
    process.exit(2);
  }
  const metaPath = path.join(path.dirname(appDir), `${path.basename(appDir)}-meta.json`);
  const metafile = existsSync(metaPath) ? JSON.parse(readFileSync(metaPath, 'utf8')) : undefined;
  const extraDirs = ['src-container', 'out/kilnd', 'resources/runtime', 'resources/recipes'].map((d) => path.join(root, d)).filter((d) => existsSync(d) && lstatSync(d).isDirectory());
  const problems = findNativeModules({ appDir, metafile, extraDirs });
  if (problems.length) {
    console.error(`The desktop app must not ship native Node modules (they belong in the runtime image):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`check-native-modules: no native module in ${path.relative(root, appDir) || appDir}${metafile ? ', its bundles' : ''} or its extra resources`);
}
