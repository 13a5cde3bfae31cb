// The CI workflow for where Electron runs, read as data: it cannot run here, so its shape is checked.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import vitestConfig from '../../../vitest.config';

const wf = parse(readFileSync('.github/workflows/desktop.yml', 'utf8'));
const job = wf.jobs.desktop;
const runs = (job.steps as { run?: string }[]).map((s) => s.run ?? '').join('\n');

describe('the desktop workflow', () => {
  it('builds the installers and smoke-tests on a macOS and a Linux runner, Linux under Xvfb', () => {
    const matrix = job.strategy.matrix.include as { os: string; packaged: string; smoke: string }[];
    expect(matrix.map((m) => m.os)).toEqual(['macos-14', 'ubuntu-24.04']);
    expect(matrix[1]!.smoke).toMatch(/^xvfb-run -a .*node --import tsx --test tests\/desktop\/smoke\.spec\.ts$/);
    expect(matrix[0]!.smoke).toBe('node --import tsx --test tests/desktop/smoke.spec.ts');
    expect(runs).toContain('npm run dist');
    expect(runs).toContain('npm ci');
    expect(existsSync('tests/desktop/smoke.spec.ts')).toBe(true);
  });

  it('points the packaged smoke test at the binaries electron-builder.yml produces', () => {
    const eb = parse(readFileSync('electron-builder.yml', 'utf8'));
    const [mac, linux] = job.strategy.matrix.include as { packaged: string }[];
    expect(mac!.packaged).toBe(`dist/mac-universal/${eb.productName}.app/Contents/MacOS/${eb.productName}`);
    expect(linux!.packaged).toBe(`dist/linux-unpacked/${eb.linux.executableName}`);
  });

  it('keeps the smoke test out of the vitest projects (Electron cannot run here)', () => {
    const includes = (vitestConfig.test?.projects as { test: { include: string[] } }[]).flatMap((p) => p.test.include);
    expect(includes.length).toBeGreaterThan(0);
    for (const pattern of includes) expect(pattern).toMatch(/^tests\/(unit|integration|e2e)\/\*\*\/\*\.test\.ts$/);
  });
});
