import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  createRedactor, KIND, KilnEventError, MAX_EVENT_BYTES, MAX_TAGS, parseKilnEvent, SessionWriter, seqOf, tagValue,
  verifyChain, type ActionInput, type NostrEvent, type Written,
} from '../../../../src-shared/events';
import { byteLength, COMMIT_A, COMMIT_B, newSigner, sampleSession, verifiesFresh } from './session-fixture';

const RECIPE = 'sha256:' + 'c'.repeat(64);
const OWNER = 'd'.repeat(64);
const startInput = { agent: 'claude-code', model: 'claude-opus', recipe: RECIPE, workspace: '/workspace', environment: { TERM: 'xterm' } };

function roundTrip(ev: NostrEvent) {
  expect(verifiesFresh(ev)).toBe(true);
  expect(byteLength(ev)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
  expect(ev.tags.length).toBeLessThanOrEqual(MAX_TAGS);
  const parsed = parseKilnEvent(JSON.parse(JSON.stringify(ev)));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed;
}

describe('SessionWriter builders round-trip through verifyEvent and parseKilnEvent', () => {
  it('session start: kind 4600, seq 0, recipe and owner tags', () => {
    const { event } = SessionWriter.start(newSigner(), startInput, { owner: OWNER });
    expect(event.kind).toBe(KIND.sessionStart);
    expect(event.tags).toEqual([['seq', '0'], ['i', `recipe:${RECIPE}`], ['p', OWNER]]);
    const parsed = roundTrip(event);
    expect(parsed.kind).toBe('sessionStart');
    expect(parsed.seq).toBe(0);
    expect(parsed.sessionId).toBe(event.id);
    expect(parsed.prev).toBeNull();
    expect(parsed.content).toEqual(startInput);
  });

  it('refuses an owner key that is not hex', () => {
    expect(() => SessionWriter.start(newSigner(), startInput, { owner: 'npub1xyz' }))
      .toThrow(expect.objectContaining({ code: 'invalid-option', next: expect.stringMatching(/hex/) }));
  });

  it('session start without recipe or owner has only the seq tag', () => {
    const { event } = SessionWriter.start(newSigner(), { ...startInput, recipe: undefined });
    expect(event.tags).toEqual([['seq', '0']]);
    roundTrip(event);
  });

  const actions: ActionInput[] = [
    { type: 'file', path: 'a.txt', change: 'added', diff: '+hello\n', size: 6, sha256: 'e'.repeat(64), checkpoint: COMMIT_A },
    { type: 'file', path: 'b.txt', change: 'renamed', from: 'old.txt' },
    { type: 'file', path: 'logo.png', change: 'modified', binary: true, size: 2048, sha256: 'f'.repeat(64) },
    { type: 'command', command: 'make', cwd: '/workspace', exitCode: 2, durationMs: 15, checkpoint: COMMIT_B },
    { type: 'tool', agent: 'opencode', tool: 'edit', phase: 'after', input: { path: 'x', lines: [1, 2] }, output: 'ok', ok: true },
    { type: 'message', from: 'claude', to: 'codex', text: 'please review' },
    { type: 'git', operation: 'commit', detail: 'abc' },
  ];
  for (const input of actions) {
    it(`action ${input.type} (${Object.keys(input).slice(1, 3).join(', ')}): t tag, E/e/seq links`, () => {
      const { writer, event: start } = SessionWriter.start(newSigner(), startInput);
      const { event, blobs } = writer.action(input);
      expect(blobs).toEqual([]);
      expect(event.kind).toBe(KIND.action);
      expect(event.tags).toEqual([['E', start.id], ['e', start.id], ['seq', '1'], ['t', input.type]]);
      const parsed = roundTrip(event);
      expect(parsed.kind === 'action' && parsed.type).toBe(input.type);
      expect(parsed.content).toEqual(input);
      expect(parsed.sessionId).toBe(start.id);
      expect(parsed.prev).toBe(start.id);
    });
  }

  it('checkpoint: r tag carries the commit', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const content = { commit: COMMIT_B, parent: COMMIT_A, files: 3, reason: 'pre-command' as const, ms: 12 };
    const { event } = writer.checkpoint(content);
    expect(event.kind).toBe(KIND.checkpoint);
    expect(tagValue(event, 'r')).toBe(COMMIT_B);
    const parsed = roundTrip(event);
    expect(parsed.kind).toBe('checkpoint');
    expect(parsed.content).toEqual(content);
  });

  it('error and session end', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const err = writer.error({ what: 'checkpoint failed', attempted: 'git add', code: 'E_GIT' }).event;
    const end = writer.end({ durationMs: 5000, actions: 0, outcome: 'crashed' }).event;
    expect([err.kind, end.kind]).toEqual([KIND.error, KIND.sessionEnd]);
    expect(roundTrip(err).content).toEqual({ what: 'checkpoint failed', attempted: 'git add', code: 'E_GIT' });
    const parsedEnd = roundTrip(end);
    expect(parsedEnd.kind).toBe('sessionEnd');
    expect(parsedEnd.seq).toBe(2);
    expect(parsedEnd.prev).toBe(err.id);
  });

  it('returns plain events that carry no cached verification mark', () => {
    const { event } = SessionWriter.start(newSigner(), startInput);
    expect(Object.getOwnPropertySymbols(event)).toEqual([]);
  });
});

describe('SessionWriter chain', () => {
  it('numbers events and links each to the one before; the whole session verifies', () => {
    const { events } = sampleSession();
    expect(events.map((e) => seqOf(e))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 1; i < events.length; i++) {
      expect(tagValue(events[i]!, 'e')).toBe(events[i - 1]!.id);
      expect(tagValue(events[i]!, 'E')).toBe(events[0]!.id);
    }
    expect(verifyChain(events)).toEqual({ events: 8, valid: true, problems: [] });
  });

  it('resume continues seq and e after a restart, and the chain stays valid', () => {
    const signer = newSigner();
    const { writer, event: start } = SessionWriter.start(signer, startInput);
    const first = writer.action({ type: 'git', operation: 'status' }).event;
    const position = writer.position;
    expect(position).toEqual({ startId: start.id, lastId: first.id, lastSeq: 1 });

    const resumed = SessionWriter.resume(signer, position);
    const next = resumed.checkpoint({ commit: COMMIT_A, files: 1, reason: 'rescan' }).event;
    expect(seqOf(next)).toBe(2);
    expect(tagValue(next, 'e')).toBe(first.id);
    expect(tagValue(next, 'E')).toBe(start.id);
    expect(verifyChain([start, first, next]).valid).toBe(true);
  });

  it('refuses a malformed resume position', () => {
    expect(() => SessionWriter.resume(newSigner(), { startId: 'x', lastId: 'y', lastSeq: -1 })).toThrow(KilnEventError);
  });

  it('refuses events after the session end', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    writer.end({ durationMs: 1, actions: 0, outcome: 'stopped' });
    expect(writer.ended).toBe(true);
    expect(() => writer.error({ what: 'late' })).toThrow(expect.objectContaining({ code: 'session-ended' }));
  });

  it('rejects invalid content with a sentence and does not advance the chain', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const before = writer.position;
    const bad = { commit: 'not-a-commit', files: 1, reason: 'manual' } as const;
    expect(() => writer.checkpoint(bad)).toThrow(/not valid at commit/);
    expect(writer.position).toEqual(before);
  });
});

describe('SessionWriter cleans and redacts before signing', () => {
  it('signed content has no control characters, lone surrogates or secrets', () => {
    const secret = 'sk-ant-api03-' + 'Zz9'.repeat(15);
    const redact = createRedactor({ GH_TOKEN: 'the-gh-token-value' });
    const { writer } = SessionWriter.start(newSigner(), startInput, { redact });
    const { event } = writer.action({
      type: 'command',
      command: `echo ${secret}\r\n\x1b[1mbold\x07 \uD800 gh=the-gh-token-value`,
    }, { tags: [['note', 'the-gh-token-value\x00']] });
    const parsed = roundTrip(event);
    expect(parsed.content).toMatchObject({ command: 'echo [REDACTED]\n[1mbold \uFFFD gh=[REDACTED:GH_TOKEN]' });
    expect(event.tags).toContainEqual(['note', '[REDACTED:GH_TOKEN]']);
    expect(JSON.stringify(event)).not.toContain('the-gh-token-value');
  });
});

const sha = (bytes: Uint8Array) => bytesToHex(sha256(bytes));
const expectBlobTags = (written: Written, mime: RegExp) => {
  const blob = written.blobs.at(-1)!;
  expect(sha(blob.bytes)).toBe(blob.sha256);
  expect(blob.size).toBe(blob.bytes.length);
  expect(blob.mime).toMatch(mime);
  expect(written.event.tags).toContainEqual(['x', blob.sha256]);
  expect(written.event.tags).toContainEqual(['size', String(blob.size)]);
  expect(written.event.tags).toContainEqual(['m', blob.mime]);
  return blob;
};

describe('SessionWriter size limits', () => {
  it('moves a 5 MB diff into a blob with x/size/m tags and keeps the event under 64 KiB', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const diff = '@@ -1,100000 +1,100000 @@\n' + '+a line that was added to the file\n'.repeat(150_000);
    expect(diff.length).toBeGreaterThan(5_000_000);
    const written = writer.action({ type: 'file', path: 'big.txt', change: 'modified', diff });
    const blob = expectBlobTags(written, /^text\/x-diff/);
    expect(new TextDecoder().decode(blob.bytes)).toBe(diff);
    const parsed = roundTrip(written.event);
    expect(parsed.content).toMatchObject({ type: 'file', path: 'big.txt', blob: blob.sha256 });
    expect(parsed.content).not.toHaveProperty('diff');
    expect((parsed.content as { summary: string }).summary).toContain('+150000');
  });

  it('keeps a diff just under 32 KiB inline', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const diff = '+' + 'x'.repeat(32_000) + '\n';
    const written = writer.action({ type: 'file', path: 'f', change: 'added', diff });
    expect(written.blobs).toEqual([]);
    expect(roundTrip(written.event).content).toMatchObject({ diff });
  });

  it('shortens a 5 MB message, deep tool input and hostile text into a valid event plus a JSON blob', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    // ~5 MB of the worst case for size: JSON escapes, controls, lone surrogates, astral chars
    const text = '"\\\x00\uD800😀'.repeat(850_000);
    const mb = text.slice(0, 1_000_000);
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = { level: i, next: deep, wide: Array.from({ length: 50 }, () => '"\\"') };
    for (const input of [
      { type: 'message', from: 'agent', text } as const,
      { type: 'tool', agent: 'a', tool: 't', phase: 'before', input: deep, output: mb } as const,
      { type: 'command', command: mb, cwd: mb } as const,
    ]) {
      const written = writer.action(input);
      const blob = expectBlobTags(written, /^application\/json$/);
      const full = JSON.parse(new TextDecoder().decode(blob.bytes));
      expect(full.type).toBe(input.type);
      const parsed = roundTrip(written.event);
      expect(parsed.content).toMatchObject({ type: input.type, shortened: true, blob: blob.sha256 });
    }
  });

  it('fits the worst case for the shortened form: every field long, wide and full of escapes', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const nasty = '"\\\n日😀'.repeat(20_000); // 4 bytes per unit after double JSON escaping
    const leaf = nasty.slice(0, 2000);
    const wide = (depth: number): unknown => // 10 × 10 × 10 leaves: wider and deeper than the last rung keeps
      depth === 0 ? leaf : Object.fromEntries(Array.from({ length: 10 }, (_, i) => [nasty.slice(0, 200) + i, wide(depth - 1)]));
    const input = wide(3);
    const extra = Array.from({ length: 200 }, () => Array.from({ length: 10 }, () => nasty.slice(0, 1000)));
    const written = writer.action({ type: 'tool', agent: nasty, tool: nasty, phase: 'after', input, output: input, ok: false }, { tags: extra });
    const parsed = roundTrip(written.event);
    expect(parsed.content).toMatchObject({ type: 'tool', phase: 'after', ok: false, shortened: true, tagsDropped: 200 });
  });

  it('shortens a huge environment in the session start', () => {
    const environment = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`VAR_${i}`, 'v'.repeat(100)]));
    const written = SessionWriter.start(newSigner(), { ...startInput, environment });
    expectBlobTags(written, /^application\/json$/);
    expect(roundTrip(written.event).content).toMatchObject({ agent: 'claude-code', recipe: RECIPE, shortened: true });
  });

  it('keeps at most 100 tags, dropping extras deterministically and saying so', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const extra = Array.from({ length: 500 }, (_, i) => ['l', `label-${i}`]);
    const a = writer.action({ type: 'git', operation: 'tag' }, { tags: extra }).event;
    const b = writer.action({ type: 'git', operation: 'tag' }, { tags: extra }).event;
    expect(a.tags).toHaveLength(MAX_TAGS);
    expect(a.tags.slice(0, 4).map((t) => t[0])).toEqual(['E', 'e', 'seq', 't']);
    expect(a.tags[4]).toEqual(['l', 'label-0']);
    expect(a.tags.slice(4)).toEqual(b.tags.slice(4));
    expect(roundTrip(a).content).toMatchObject({ tagsDropped: 500 - (MAX_TAGS - 4) });
  });

  it('keeps the event under 64 KiB when the extra tags themselves are huge', () => {
    const { writer } = SessionWriter.start(newSigner(), startInput);
    const extra = Array.from({ length: 100 }, () => ['big', 'y'.repeat(100_000), 'z'.repeat(100_000)]);
    const { event } = writer.action({ type: 'git', operation: 'x' }, { tags: extra });
    const parsed = roundTrip(event);
    expect(parsed.content).toMatchObject({ shortened: true });
  });
});
