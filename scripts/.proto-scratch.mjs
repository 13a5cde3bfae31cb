import { build } from 'esbuild';
const r = await build({ entryPoints: { kiln: 'src-main/cli/main.ts' }, outfile: '/tmp/cli-speed-proto/kiln.cjs', bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['*.node', 'cpu-features', 'electron'], mainFields: ['module', 'main'], metafile: true, logLevel: 'warning', legalComments: 'none',
  define: { 'import.meta.url': '__kilnImportMetaUrl' },
  banner: { js: "const __kilnImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: process.argv[2] === 'min', keepNames: false });
console.log(Object.values(r.metafile.outputs).map(o => o.bytes));
