import { describe, expect, it } from 'vitest';
import { parseKilnEvent, seqOf, tagValue, type NostrEvent } from '../../../../src-shared/events';
import { newSigner, sampleSession } from './session-fixture';

describe('parseKilnEvent', () => {
  it('gives a typed view of every event of a session', () => {
    const { events } = sampleSession();
    const parsed = events.map((e) => parseKilnEvent(e));
    expect(parsed.map((p) => (p.ok ? `${p.kind}${p.kind === 'action' ? ':' + p.type : ''}` : p.error))).toEqual([
      'sessionStart', 'checkpoint', 'action:command', 'action:file', 'checkpoint', 'action:message', 'error', 'sessionEnd',
    ]);
    const file = parsed[3]!;
    if (!file.ok || file.kind !== 'action' || file.type !== 'file') throw new Error('expected a file action');
    // Narrowed by type: the file action's fields are typed.
    expect(file.content.path).toBe('src/a.ts');
    expect(file.seq).toBe(3);
    expect(file.sessionId).toBe(events[0]!.id);
    expect(file.prev).toBe(events[2]!.id);
  });

  const base = () => sampleSession(newSigner()).events;
  const cases: [string, (evs: NostrEvent[]) => unknown, RegExp][] = [
    ['not an object', () => 'hello', /Not a Nostr event/],
    ['a short id', (e) => ({ ...e[1], id: 'abc' }), /Not a Nostr event at id/],
    ['a non-integer created_at', (e) => ({ ...e[1], created_at: 1.5 }), /created_at/],
    ['content that is not JSON', (e) => ({ ...e[1], content: '{' }), /not JSON/],
    ['no seq tag', (e) => ({ ...e[1], tags: e[1]!.tags.filter((t) => t[0] !== 'seq') }), /no valid seq/],
    ['a seq with leading zero', (e) => ({ ...e[1], tags: e[1]!.tags.map((t) => (t[0] === 'seq' ? ['seq', '01'] : t)) }), /no valid seq/],
    ['no E tag', (e) => ({ ...e[1], tags: e[1]!.tags.filter((t) => t[0] !== 'E') }), /no valid E tag/],
    ['no e tag', (e) => ({ ...e[1], tags: e[1]!.tags.filter((t) => t[0] !== 'e') }), /no valid e tag/],
    ['a t tag that disagrees with the content', (e) => ({ ...e[2], tags: e[2]!.tags.map((t) => (t[0] === 't' ? ['t', 'git'] : t)) }), /t tag/],
    ['an r tag that disagrees with the commit', (e) => ({ ...e[1], tags: e[1]!.tags.map((t) => (t[0] === 'r' ? ['r', 'f'.repeat(40)] : t)) }), /r tag/],
    ['checkpoint content missing its commit', (e) => ({ ...e[1], content: '{"files":1,"reason":"manual"}' }), /checkpoint content is not valid at commit/],
    ['an unknown action type', (e) => ({ ...e[2], content: '{"type":"dance"}' }), /action content is not valid at type/],
    ['a foreign kind', (e) => ({ ...e[1], kind: 1 }), /Kind 1 is not a Kiln session event/],
  ];
  for (const [what, make, error] of cases) {
    it(`rejects ${what} with a sentence`, () => {
      const result = parseKilnEvent(make(base()));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(error);
    });
  }
});

describe('tag helpers', () => {
  it('tagValue reads the first value of the first matching tag', () => {
    expect(tagValue({ tags: [['x', 'a'], ['x', 'b'], ['y']] }, 'x')).toBe('a');
    expect(tagValue({ tags: [['y']] }, 'y')).toBeUndefined();
    expect(tagValue({ tags: [] }, 'z')).toBeUndefined();
  });

  it('seqOf accepts only plain non-negative integers', () => {
    expect(seqOf({ tags: [['seq', '0']] })).toBe(0);
    expect(seqOf({ tags: [['seq', '42']] })).toBe(42);
    for (const bad of ['-1', '1.5', '01', '', ' 1', '1e3', '99999999999999999']) expect(seqOf({ tags: [['seq', bad]] })).toBeUndefined();
  });
});
