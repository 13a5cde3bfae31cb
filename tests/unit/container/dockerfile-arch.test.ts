// The runtime image must build for linux/arm64 (Apple silicon) as well as amd64: no step of the
// Dockerfile may name one architecture (a download of an x86_64 binary, an amd64 apt source, a
// --platform pin), and every base image must be a multi-arch one.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dockerfile = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'src-container', 'Dockerfile'), 'utf8');
/** Instructions with their continuation lines joined; comments dropped. */
const instructions = dockerfile
  .replace(/\\\r?\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('the runtime Dockerfile', () => {
  it('names no single architecture in any step', () => {
    const offending = instructions.filter((l) => /\b(amd64|x86_64|x86-64|x64|aarch64|arm64)\b/i.test(l) && !/\$\{?TARGETARCH\}?|\$\(uname -m\)|dpkg --print-architecture/.test(l));
    expect(offending).toEqual([]);
  });

  it('pins no platform on FROM', () => {
    expect(instructions.filter((l) => /^FROM\b/i.test(l) && /--platform=(?!\$)/.test(l))).toEqual([]);
  });

  it('starts from a multi-arch base (an official node image)', () => {
    const args = Object.fromEntries(instructions.filter((l) => /^ARG\s+\w+=/.test(l)).map((l) => l.replace(/^ARG\s+/, '').split('=') as [string, string]));
    const bases = instructions.filter((l) => /^FROM\b/i.test(l)).map((l) => l.split(/\s+/)[1]!.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? n));
    const external = bases.filter((b) => b.includes(':') || b.includes('/'));
    expect(external.length).toBeGreaterThan(0);
    for (const b of external) expect(b).toMatch(/^node:\d+-bookworm-slim$/);
  });
});
