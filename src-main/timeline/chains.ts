// A session's record is one or more signed chains: a recorder stopped cleanly (`kiln down`, a
// daemon restart) ends its chain with a session-end event and the next start begins a new one
// with a new key. These put events back in order: chains as they started, each by seq.
import { KIND, type NostrEvent } from '../../src-shared/events';
import { sortChronologically } from './relay-client';

/** Every Kiln kind (4600–4604): what a session's recorder stores. */
export const KILN_KINDS = Object.values(KIND);

/** The chain an event belongs to: a start event is its own; the rest name theirs in `E`. */
const chainOf = (ev: NostrEvent) => (ev.kind === KIND.sessionStart ? ev.id : (ev.tags.find((t) => t[0] === 'E')?.[1] ?? ''));

export function groupByChain(events: NostrEvent[]): Map<string, NostrEvent[]> {
  const chains = new Map<string, NostrEvent[]>();
  for (const ev of events) {
    const key = chainOf(ev);
    const chain = chains.get(key);
    if (chain) chain.push(ev);
    else chains.set(key, [ev]);
  }
  return chains;
}

/** Chains in the order they started, each in seq order. */
export function inChainOrder(events: NostrEvent[]): NostrEvent[] {
  const chains = [...groupByChain(events).values()].map((chain) => sortChronologically(chain));
  const began = (chain: NostrEvent[]) => chain.find((e) => e.kind === KIND.sessionStart)?.created_at ?? chain[0]!.created_at;
  chains.sort((a, b) => began(a) - began(b));
  return chains.flat();
}
