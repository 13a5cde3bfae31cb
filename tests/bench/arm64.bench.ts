// The runtime image for Apple silicon: `docker build --platform linux/arm64` of src-container/
// is attempted whenever the engine can run arm64 binaries (binfmt_misc with qemu-aarch64, as
// Docker Desktop and `docker run --privileged tonistiigi/binfmt --install arm64` set up), and the
// time is printed against the native build of the same Dockerfile in the same run (cached layers
// make the native figure small; the arm64 one is a cold emulated build). Where the engine has no
// arm64 emulation, it says so — the Dockerfile itself is checked for amd64-only steps by
// tests/unit/container/dockerfile-arch.test.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './lib';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function arm64Emulation(): boolean {
  const dir = '/proc/sys/fs/binfmt_misc';
  try {
    return fs.readdirSync(dir).some((f) => /aarch64|arm64/.test(f) && fs.readFileSync(path.join(dir, f), 'utf8').startsWith('enabled'));
  } catch {
    return false;
  }
}

function build(platform: string, tag: string): { ms: number; ok: boolean; why: string } {
  const t0 = performance.now();
  const r = spawnSync('docker', ['build', '--platform', platform, '-f', 'src-container/Dockerfile', '-t', tag, '.'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim());
  return { ms: performance.now() - t0, ok: r.status === 0, why: r.status === 0 ? '' : (lines.filter((l) => /error|failed/i.test(l)).pop() ?? lines.pop() ?? '').slice(0, 160) };
}

export async function run(): Promise<BenchRow[]> {
  const engineArch = spawnSync('docker', ['info', '--format', '{{.Architecture}}'], { encoding: 'utf8' }).stdout.trim();
  if (!arm64Emulation() && engineArch !== 'aarch64') {
    console.log(`arm64: not attempted — this engine (${engineArch || 'unknown'}) has no arm64 emulation (no binfmt_misc qemu-aarch64 entry).`);
    return [{ name: 'docker build --platform linux/arm64', value: NaN, unit: 's', target: 'attempted where binfmt allows; not here' }];
  }
  const native = build(engineArch === 'aarch64' ? 'linux/arm64' : 'linux/amd64', 'kiln/runtime:bench-native');
  const arm = build('linux/arm64', 'kiln/runtime:bench-arm64');
  if (!arm.ok) console.log(`arm64 build failed: ${arm.why}`);
  spawnSync('docker', ['rmi', '-f', 'kiln/runtime:bench-arm64', 'kiln/runtime:bench-native'], { stdio: 'ignore' });
  return [
    {
      name: `docker build --platform linux/arm64 (${arm.ok ? 'built' : 'FAILED'})`,
      value: arm.ms / 1000,
      unit: 's',
      baseline: native.ms / 1000,
      ratio: native.ms / arm.ms,
      target: 'builds',
    },
  ];
}
