// `kiln agents install`: a pinned agent into the shared volume, once; a second call is a no-op.
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_PACKAGES } from '../../../src-main/agents';
import { KilnSandbox } from './kiln-process';

describe('kiln agents install', () => {
  const kiln = new KilnSandbox();
  afterAll(async () => {
    await kiln.cleanup();
  });

  it('installs the pinned Codex once, then finds it installed', async () => {
    const first = await kiln.json<{ agent: string; version: string; fetched: boolean }>(['agents', 'install', 'codex']);
    expect(first.code).toBe(0);
    expect(first.data).toMatchObject({ agent: 'codex', version: AGENT_PACKAGES.codex.version });
    const again = await kiln.json<{ fetched: boolean }>(['agents', 'install', 'codex']);
    expect(again.data.fetched).toBe(false);
  });

  it('refuses an unknown agent with the list of known ones', async () => {
    const r = await kiln.run(['agents', 'install', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/claude-code, codex, gemini-cli/);
  });
});
