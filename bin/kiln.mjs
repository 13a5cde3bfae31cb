#!/usr/bin/env node
// The `kiln` command. Runs the TypeScript sources through tsx's ESM loader, so `npx kiln` works
// from the repository root with no build step.
import { register } from 'tsx/esm/api';

register();
let code = 1;
try {
  const { runCli } = await import('../src-main/cli/main.ts');
  code = await runCli(process.argv.slice(2));
} catch (err) {
  // Only a broken installation lands here; runCli turns everything else into one line.
  process.stderr.write(`kiln: internal error: ${String(err?.message ?? err).split('\n')[0]} Reinstall with \`npm run setup\`; if it persists, report it.\n`);
}
// Engine sockets and relay connections must not keep us alive; flush stdout first.
process.stdout.write('', () => process.exit(code));
