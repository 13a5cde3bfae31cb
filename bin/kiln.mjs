#!/usr/bin/env node
// The `kiln` command. Runs the CLI bundle (out/cli/kiln.cjs, built by `npm run build` and
// `npm run setup`) while it is newer than every source it was built from, through a V8 code
// cache (./cached-script.mjs); otherwise the TypeScript sources through tsx's loader, so
// `npx kiln` works from a fresh checkout too.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);

/** The bundle's path when it is up to date, else undefined (missing, stale, or unreadable). */
function freshBundle() {
  try {
    const bundle = fileURLToPath(new URL('out/cli/kiln.cjs', root));
    const built = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(new URL('out/cli/inputs.json', root), 'utf8'));
    for (const f of inputs) if (statSync(new URL(f, root)).mtimeMs > built) return undefined;
    return bundle;
  } catch {
    return undefined;
  }
}

const argv = process.argv.slice(2);
let code = 1;
let saveCache = () => {};
if (['--version', '-v', 'version'].includes(argv[0])) {
  // `kiln --version` needs none of our code (main.ts answers the same way).
  const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  process.stdout.write(argv.includes('--json') ? `${JSON.stringify({ version }, null, 2)}\n` : `kiln ${version}\n`);
  code = 0;
} else {
  try {
    const bundle = freshBundle();
    let runCli;
    if (bundle) {
      // The command names the cache's kind: its first run of each adds what it compiled.
      // Imported here, not above: `kiln --version` loads nothing it does not use.
      const { loadCachedScript } = await import('./cached-script.mjs');
      const loaded = loadCachedScript(bundle, argv[0] ?? '');
      ({ runCli } = loaded.exports);
      saveCache = loaded.save;
    } else {
      const { register } = await import('tsx/esm/api');
      register();
      ({ runCli } = await import('../src-main/cli/main.ts'));
    }
    code = await runCli(argv);
  } catch (err) {
    // Only a broken installation lands here; runCli turns everything else into one line.
    process.stderr.write(`kiln: internal error: ${String(err?.message ?? err).split('\n')[0]} Reinstall with \`npm run setup\`; if it persists, report it.\n`);
  }
}
// After the work, so the cache holds what it compiled too; the next start skips that compile.
saveCache();
// Engine sockets and relay connections must not keep us alive; flush stdout first.
process.stdout.write('', () => process.exit(code));
