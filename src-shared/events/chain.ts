// Verifying a session's chain of events: every id recomputed, every signature checked, and the
// E/e/seq links followed, so a removed, reordered, altered or forged event shows up as a
// problem a person can read.
import { getEventHash, verifyEvent } from 'nostr-tools/pure';
import { KIND } from './kinds';
import { NostrEventSchema, seqOf, tagValue } from './parse';
import type { NostrEvent } from './signer';

export type ChainProblemCode =
  | 'bad-id' | 'bad-signature' | 'missing-start' | 'wrong-session' | 'gap' | 'fork' | 'out-of-order' | 'duplicate' | 'wrong-author';

export interface ChainProblem {
  code: ChainProblemCode;
  id?: string;
  seq?: number;
  /** A sentence for a person. */
  message: string;
}

export interface ChainReport {
  events: number;
  valid: boolean;
  problems: ChainProblem[];
}

const short = (id: string) => id.slice(0, 12);

/** Check one session's events, given in the order they were stored or received. */
export function verifyChain(events: readonly NostrEvent[]): ChainReport {
  const problems: ChainProblem[] = [];
  const add = (code: ChainProblemCode, message: string, ev?: NostrEvent, seq?: number) => {
    problems.push({ code, message, ...(ev ? { id: ev.id } : {}), ...(seq !== undefined ? { seq } : {}) });
  };

  // 1. Each event on its own: well formed, id matches content, signature matches id and key.
  const seen = new Set<string>();
  const unique: NostrEvent[] = [];
  for (const raw of events) {
    const shape = NostrEventSchema.safeParse(raw);
    if (!shape.success) {
      add('bad-id', 'An event is not a well-formed Nostr event, so it cannot be checked.', undefined, undefined);
      continue;
    }
    // A fresh plain copy: nostr-tools caches "verified" on the object it signed.
    const ev = shape.data;
    const seq = seqOf(ev);
    if (seen.has(ev.id)) {
      add('duplicate', `Event ${short(ev.id)} appears more than once.`, ev, seq);
      continue;
    }
    seen.add(ev.id);
    unique.push(ev);
    if (getEventHash(ev) !== ev.id) {
      add('bad-id', `Event ${seq ?? '?'} was changed after it was signed: its id no longer matches its content.`, ev, seq);
    } else if (!verifyEvent({ ...ev })) {
      add('bad-signature', `Event ${seq ?? '?'} has a signature that does not match it.`, ev, seq);
    }
  }

  // 2. The session: one start, and everything else points at it and is signed by its key.
  const starts = unique.filter((ev) => ev.kind === KIND.sessionStart);
  const start = starts[0];
  if (!start) add('missing-start', 'The session start event is missing, so the session cannot be verified from its beginning.');
  for (const extra of starts.slice(1)) {
    add('wrong-session', `Event ${short(extra.id)} is a second session start; a session has exactly one.`, extra, seqOf(extra));
  }
  if (start) {
    for (const ev of unique) {
      if (ev === start || ev.kind === KIND.sessionStart) continue;
      const seq = seqOf(ev);
      if (tagValue(ev, 'E') !== start.id) {
        add('wrong-session', `Event ${seq ?? short(ev.id)} belongs to a different session.`, ev, seq);
      }
      if (ev.pubkey !== start.pubkey) {
        add('wrong-author', `Event ${seq ?? short(ev.id)} was signed by a different key than the session's, so it was not written by this session's recorder.`, ev, seq);
      }
    }
  }

  // 3. Order as given: seq must only go up.
  let highest = -1;
  for (const ev of unique) {
    const seq = seqOf(ev);
    if (seq === undefined) {
      add('gap', `Event ${short(ev.id)} has no valid sequence number, so its place in the chain is unknown.`, ev);
      continue;
    }
    if (seq < highest) add('out-of-order', `Event ${seq} comes after event ${highest}; events are out of order.`, ev, seq);
    highest = Math.max(highest, seq);
  }

  // 4. Forks: two events claiming one place (same seq, or the same previous event).
  const bySeq = new Map<number, NostrEvent>();
  const byPrev = new Map<string, NostrEvent>();
  const forked = new Set<number>();
  for (const ev of unique) {
    const seq = seqOf(ev);
    if (seq === undefined) continue;
    const other = bySeq.get(seq);
    if (other) {
      add('fork', `Two events claim sequence number ${seq} (${short(other.id)} and ${short(ev.id)}).`, ev, seq);
      forked.add(seq);
    } else bySeq.set(seq, ev);
    const prev = ev.kind === KIND.sessionStart ? undefined : tagValue(ev, 'e');
    if (prev === undefined) continue;
    const sibling = byPrev.get(prev);
    if (sibling && !forked.has(seq)) {
      add('fork', `Events ${short(sibling.id)} and ${short(ev.id)} both follow event ${short(prev)}.`, ev, seq);
      forked.add(seq);
    } else if (!sibling) byPrev.set(prev, ev);
  }

  // 5. Gaps: every seq from 0 to the highest present, each linking to the one before.
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  let expected = start ? 0 : (seqs[0] ?? 0);
  for (const seq of seqs) {
    if (seq > expected) {
      const range = seq - expected === 1 ? `Event ${expected} is` : `Events ${expected} to ${seq - 1} are`;
      add('gap', `${range} missing from the chain.`, undefined, expected);
    }
    expected = seq + 1;
  }
  for (const [seq, ev] of bySeq) {
    if (seq === 0 || forked.has(seq)) continue;
    const before = bySeq.get(seq - 1);
    if (before && tagValue(ev, 'e') !== before.id) {
      add('gap', `Event ${seq} does not link to event ${seq - 1}: an event between them was replaced or removed.`, ev, seq);
    }
  }

  return { events: events.length, valid: problems.length === 0, problems };
}
