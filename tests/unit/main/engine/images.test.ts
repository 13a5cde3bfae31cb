import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultExtraCaFiles, RUNTIME_CONTEXT_PATHS, RUNTIME_IMAGE, runtimeContextHash } from '../../../../src-main/engine/images';
import pkg from '../../../../package.json';

const root = join(import.meta.dirname, '..', '..', '..', '..');

describe('runtime image', () => {
  it('is tagged with the Kiln version', () => {
    expect(RUNTIME_IMAGE).toBe(`kiln/runtime:${pkg.version}`);
  });

  it('sends what .dockerignore lets a by-hand `docker build` send, and it includes the Dockerfile', () => {
    const allowed = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    expect([...allowed].sort()).toEqual([...RUNTIME_CONTEXT_PATHS].sort());
    expect(RUNTIME_CONTEXT_PATHS).toContain('src-container/Dockerfile');
  });

  it('takes the extra CA bundle from NODE_EXTRA_CA_CERTS, else SSL_CERT_FILE, else the system bundle, skipping missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-ca-'));
    try {
      const [a, b, sys] = ['a.pem', 'b.pem', 'system.crt'].map((n) => join(dir, n)) as [string, string, string];
      for (const f of [a, b, sys]) writeFileSync(f, 'PEM');
      const gone = join(dir, 'gone.pem');
      expect(defaultExtraCaFiles({ NODE_EXTRA_CA_CERTS: a, SSL_CERT_FILE: b }, sys)).toEqual([a]);
      expect(defaultExtraCaFiles({ SSL_CERT_FILE: b }, sys)).toEqual([b]);
      expect(defaultExtraCaFiles({ NODE_EXTRA_CA_CERTS: gone }, sys)).toEqual([sys]);
      expect(defaultExtraCaFiles({}, sys)).toEqual([sys]);
      expect(defaultExtraCaFiles({ NODE_EXTRA_CA_CERTS: gone }, gone)).toEqual([]);
      expect(defaultExtraCaFiles({}, null)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs a rebuild when the extra CA certificates or the build args change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-ca-'));
    try {
      const ca = join(dir, 'corp.pem');
      writeFileSync(ca, 'one');
      const plain = runtimeContextHash({ contextDir: root, extraCaFiles: [] });
      const withCa = runtimeContextHash({ contextDir: root, extraCaFiles: [ca] });
      writeFileSync(ca, 'two');
      const withOtherCa = runtimeContextHash({ contextDir: root, extraCaFiles: [ca] });
      const otherBase = runtimeContextHash({ contextDir: root, extraCaFiles: [], buildArgs: { NODE_IMAGE: 'node:20-bookworm' } });
      expect(new Set([plain, withCa, withOtherCa, otherBase]).size).toBe(4);
      expect(runtimeContextHash({ contextDir: root, extraCaFiles: [] })).toBe(plain);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
