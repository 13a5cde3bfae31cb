import { generateSecretKey } from 'nostr-tools/pure';
import { describe, expect, it } from 'vitest';
import { secretKeySigner, SessionWriter, verifyChain, type NostrEvent } from '../../../../src-shared/events';
import { groupByChain, inChainOrder } from '../../../../src-main/timeline/chains';

const start = { agent: 'opencode', model: 'unknown', workspace: '/workspace', environment: {} };

/** A real signed chain: start, a command, a checkpoint, (optionally) a clean end. */
function chain(at: number, ended: boolean): NostrEvent[] {
  const s = SessionWriter.start(secretKeySigner(generateSecretKey()), start, { now: () => at * 1000 });
  const w = s.writer;
  const out = [s.event, w.action({ type: 'command', command: `echo ${at}`, exitCode: 0 }).event, w.checkpoint({ commit: 'a'.repeat(40), files: 1, reason: 'manual' }).event];
  if (ended) out.push(w.end({ durationMs: 1, actions: 1, outcome: 'stopped' }).event);
  return out as NostrEvent[];
}

describe('a session record made of several chains', () => {
  it('puts chains in the order they started and each in seq order, however the relay returned them', () => {
    const first = chain(1_700_000_000, true);
    const second = chain(1_700_000_100, false);
    // Newest first and interleaved, as a relay answers a filter with a limit.
    const shuffled = [second[2]!, first[3]!, second[0]!, first[1]!, second[1]!, first[0]!, first[2]!];
    const ordered = inChainOrder(shuffled);
    expect(ordered.map((e) => e.id)).toEqual([first[0], first[1], first[2], first[3], second[0], second[1], second[2]].map((e) => e!.id));
  });

  it('verifies each chain on its own: both intact, neither reported as the other\'s gap', () => {
    const all = [...chain(1_700_000_000, true), ...chain(1_700_000_100, false)];
    const reports = [...groupByChain(all).values()].map((c) => verifyChain(c));
    expect(reports).toHaveLength(2);
    expect(reports.every((r) => r.valid)).toBe(true);
    // Mixed into one chain, the verifier would object: that is why they are grouped first.
    expect(verifyChain(all).valid).toBe(false);
  });
});
