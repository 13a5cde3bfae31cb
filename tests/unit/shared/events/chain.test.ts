import { finalizeEvent, generateSecretKey, getEventHash, type NostrEvent } from 'nostr-tools/pure';
import { describe, expect, it } from 'vitest';
import { SessionWriter, secretKeySigner, verifyChain, type ChainProblem } from '../../../../src-shared/events';
import { newSigner, sampleSession } from './session-fixture';

const codesAt = (problems: ChainProblem[], seq: number) => problems.filter((p) => p.seq === seq).map((p) => p.code);

describe('verifyChain', () => {
  it('reports a clean session as valid', () => {
    const { events } = sampleSession();
    expect(verifyChain(events)).toEqual({ events: events.length, valid: true, problems: [] });
  });

  it('catches a removed event as a gap at its seq', () => {
    const { events } = sampleSession();
    const report = verifyChain(events.filter((_, i) => i !== 3));
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'gap', seq: 3, message: 'Event 3 is missing from the chain.' })]);
  });

  it('catches a removed range of events as one gap', () => {
    const { events } = sampleSession();
    const report = verifyChain([...events.slice(0, 2), ...events.slice(5)]);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'gap', seq: 2, message: 'Events 2 to 4 are missing from the chain.' })]);
  });

  it('catches reordered events as out-of-order at the seq that came late', () => {
    const { events } = sampleSession();
    const swapped = [...events];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    const report = verifyChain(swapped);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'out-of-order', seq: 2, id: events[2]!.id })]);
  });

  it('catches an altered event as a bad id at its seq', () => {
    const { events } = sampleSession();
    const altered = events.map((e) => ({ ...e, tags: e.tags.map((t) => [...t]) }));
    altered[4] = { ...altered[4]!, content: altered[4]!.content.replace('"files":1', '"files":0') };
    expect(altered[4]!.content).not.toBe(events[4]!.content);
    const report = verifyChain(altered);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'bad-id', seq: 4, id: events[4]!.id })]);
  });

  it('catches an altered event whose id was recomputed as a bad signature', () => {
    const { events } = sampleSession();
    const forged = { ...events[5]!, content: events[5]!.content.replace('done', 'all good') };
    forged.id = getEventHash(forged);
    const report = verifyChain([...events.slice(0, 5), forged, ...events.slice(6)]);
    expect(codesAt(report.problems, 5)).toEqual(['bad-signature']);
    // The next event still points at the original, so the substitution also breaks the link.
    expect(codesAt(report.problems, 6)).toEqual(['gap']);
  });

  it('catches an event forged with another key as wrong-author at its seq', () => {
    const { events } = sampleSession();
    const intruder = SessionWriter.resume(newSigner(), { startId: events[0]!.id, lastId: events[2]!.id, lastSeq: 2 });
    const forged = intruder.action({ type: 'command', command: 'rm -rf /', exitCode: 0 }).event;
    const report = verifyChain([...events.slice(0, 3), forged, ...events.slice(4)]);
    expect(codesAt(report.problems, 3)).toEqual(['wrong-author']);
    expect(codesAt(report.problems, 4)).toEqual(['gap']);
    expect(report.problems.find((p) => p.code === 'wrong-author')!.message).toMatch(/different key/);
  });

  it('catches two events claiming the same place as a fork', () => {
    const signer = newSigner();
    const { events } = sampleSession(signer);
    const branch = SessionWriter.resume(signer, { startId: events[0]!.id, lastId: events[1]!.id, lastSeq: 1 });
    const other = branch.action({ type: 'git', operation: 'checkout' }).event;
    const report = verifyChain([...events.slice(0, 3), other, ...events.slice(3)]);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'fork', seq: 2, id: other.id })]);
  });

  it('catches a duplicate, a missing start and an event of another session', () => {
    const { events } = sampleSession();
    expect(verifyChain([...events, events[2]!]).problems).toEqual([expect.objectContaining({ code: 'duplicate', seq: 2 })]);

    const noStart = verifyChain(events.slice(1));
    expect(noStart.problems.map((p) => p.code)).toEqual(['missing-start']);

    const other = sampleSession();
    const mixed = verifyChain([...events, other.events[3]!]);
    expect(mixed.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['wrong-session', 'wrong-author', 'fork']));
  });

  it('does not trust a verification mark cached on the event object', () => {
    const sk = generateSecretKey();
    const { event: start } = SessionWriter.start(secretKeySigner(sk), { agent: 'a', model: 'm', workspace: '/w', environment: {} });
    // finalizeEvent marks its result as verified; tampering afterwards keeps the mark.
    const signed: NostrEvent = finalizeEvent({ kind: 4601, created_at: 1, content: '{"type":"git","operation":"x"}', tags: [['E', start.id], ['e', start.id], ['seq', '1'], ['t', 'git']] }, sk);
    signed.sig = signed.sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verifyChain([start, signed]).problems).toEqual([expect.objectContaining({ code: 'bad-signature', seq: 1 })]);
  });

  it('reports a malformed event without throwing', () => {
    const { events } = sampleSession();
    const broken = { ...events[1]!, tags: 'nope' } as unknown as NostrEvent;
    const report = verifyChain([events[0]!, broken, ...events.slice(2)]);
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['bad-id', 'gap']);
  });
});
