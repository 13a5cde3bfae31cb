// `npm run bench`: runs every tests/bench/*.bench.ts module's run() in turn and prints its
// figures with the same-run baseline and ratio. Name modules to run a subset:
//   npm run bench -- store checkpoints
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printTable, type BenchRow } from './lib';

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const modules = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
for (const file of modules) {
  const name = file.replace(/\.bench\.ts$/, '');
  const started = Date.now();
  try {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run?: () => Promise<BenchRow[]> };
    if (typeof mod.run !== 'function') throw new Error(`${file} exports no run()`);
    const rows = await mod.run();
    printTable(`${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`, rows);
  } catch (err) {
    failed++;
    console.error(`\n${name}: failed — ${err instanceof Error ? err.message : String(err)}`);
  }
}
if (failed > 0) process.exitCode = 1;
