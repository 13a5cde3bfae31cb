// The selected session's timeline: the newest page first (timeline.query), older pages on demand
// (cursor), then live events (timeline.subscribe → timeline.event). Events are kept in chain
// order; the view groups them by checkpoint. Parsing here is light (kind, seq, JSON content): the
// chain badge runs the host's full verify, and 100,000 zod parses would cost the first paint.
import { create } from 'zustand';
import type { RequestOutput } from '../../src-shared/api/contract';
import type { ActionType } from '../../src-shared/events/kinds';
import type { ActionContent, CheckpointContent, ErrorContent, SessionEndContent, SessionStartContent } from '../../src-shared/events/content';
import { bridge, onReconnect } from '../bridge';
import { asKilnError, type KilnError } from './errors';

type Raw = RequestOutput<'timeline.query'>['events'][number];

/** `chain`: the session start event a receipt belongs to (a restarted recorder begins a new chain, whose seq starts again at 0). */
type Base = { id: string; seq: number; at: number; chain: string };
export type TEvent =
  | (Base & { kind: 'sessionStart'; content: SessionStartContent })
  | (Base & { kind: 'action'; type: ActionType; content: ActionContent })
  | (Base & { kind: 'checkpoint'; content: CheckpointContent })
  | (Base & { kind: 'error'; content: ErrorContent })
  | (Base & { kind: 'sessionEnd'; content: SessionEndContent });

/** When each chain began (its start event's time): chains in the order they started, each by seq. */
const chainBegan = new Map<string, number>();
const began = (e: TEvent) => chainBegan.get(e.chain) ?? e.at;
export const inChainOrder = (a: TEvent, b: TEvent) => (a.chain === b.chain ? a.seq - b.seq : began(a) - began(b) || (a.chain < b.chain ? -1 : 1));

const KIND_NAMES: Record<number, TEvent['kind']> = { 4600: 'sessionStart', 4601: 'action', 4602: 'checkpoint', 4603: 'error', 4604: 'sessionEnd' };

export function toTEvent(raw: Raw): TEvent | null {
  const kind = KIND_NAMES[raw.kind];
  if (!kind) return null;
  const seqTag = raw.tags.find((t) => t[0] === 'seq')?.[1];
  const seq = seqTag === undefined ? NaN : Number(seqTag);
  if (!Number.isSafeInteger(seq)) return null;
  const chain = raw.kind === 4600 ? raw.id : (raw.tags.find((t) => t[0] === 'E')?.[1] ?? '');
  let content: unknown;
  try {
    content = JSON.parse(raw.content);
  } catch {
    return null;
  }
  if (typeof content !== 'object' || content === null) return null;
  if (kind === 'action') {
    const type = (content as { type?: unknown }).type;
    if (typeof type !== 'string') return null;
    return { id: raw.id, seq, at: raw.created_at, chain, kind, type: type as ActionType, content: content as ActionContent };
  }
  if (kind === 'sessionStart') chainBegan.set(raw.id, raw.created_at);
  return { id: raw.id, seq, at: raw.created_at, chain, kind, content } as TEvent;
}

export type Verify = RequestOutput<'timeline.verify'>;
export interface Filters {
  /** Shown kinds of entry: 'checkpoint', 'command', 'tool', 'file' (file and changes), 'message', 'git', 'error', 'session'. */
  hidden: string[];
  agent: string;
  text: string;
}

interface TimelineState {
  session: string | null;
  events: TEvent[];
  loading: boolean;
  more: boolean;
  cursor: string | undefined;
  subscription: string | null;
  error: KilnError | null;
  verify: { running: boolean; result: Verify | null; error: KilnError | null };
  filters: Filters;
  open(id: string | null): Promise<void>;
  loadOlder(): Promise<void>;
  runVerify(): Promise<void>;
  setFilters(patch: Partial<Filters>): void;
  add(raws: Raw[]): void;
}

/** The first page is small (it is what paints first); older pages come in bigger steps. */
const FIRST_PAGE = 250;
const PAGE = 1000;
const RETRIES = [500, 1000, 2000, 3000, 3000, 3000];
const ids = new Set<string>();

export const useTimeline = create<TimelineState>((set, get) => ({
  session: null,
  events: [],
  loading: false,
  more: false,
  cursor: undefined,
  subscription: null,
  error: null,
  verify: { running: false, result: null, error: null },
  filters: { hidden: [], agent: '', text: '' },

  async open(id) {
    const prev = get();
    if (prev.subscription) void bridge.call('timeline.unsubscribe', { subscription: prev.subscription }).catch(() => undefined);
    ids.clear();
    set({ session: id, events: [], more: false, cursor: undefined, subscription: null, error: null, loading: !!id, verify: { running: false, result: null, error: null } });
    if (!id) return;
    // Subscribe before the page is asked, so nothing written in between is missed (duplicates
    // are dropped by id); a failed subscription still leaves the history readable.
    const sub = bridge.call('timeline.subscribe', { id }).then(
      ({ subscription }) => {
        if (get().session !== id) return void bridge.call('timeline.unsubscribe', { subscription }).catch(() => undefined);
        set({ subscription });
      },
      (err) => {
        if (get().session === id) set({ error: asKilnError(err) });
      },
    );
    // A recorder that just started (or restarts) may not answer yet: try again a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        const page = await bridge.call('timeline.query', { id, limit: FIRST_PAGE });
        if (get().session !== id) return;
        get().add(page.events);
        set({ more: page.more, cursor: page.cursor, loading: false, error: null });
        break;
      } catch (err) {
        if (get().session !== id) return;
        set({ error: asKilnError(err), loading: attempt < RETRIES.length });
        if (attempt >= RETRIES.length) break;
        await new Promise((r) => setTimeout(r, RETRIES[attempt]));
        if (get().session !== id) return;
      }
    }
    await sub;
    if (get().session === id && !get().subscription) {
      // The subscription failed (see above): try once more now that the recorder answers.
      try {
        const { subscription } = await bridge.call('timeline.subscribe', { id });
        if (get().session === id) set({ subscription, error: null });
        else void bridge.call('timeline.unsubscribe', { subscription }).catch(() => undefined);
        const page = await bridge.call('timeline.query', { id, limit: PAGE });
        if (get().session === id) get().add(page.events);
      } catch (err) {
        if (get().session === id) set({ error: asKilnError(err) });
      }
    }
  },

  async loadOlder() {
    const { session, more, cursor, loading } = get();
    if (!session || !more || !cursor || loading) return;
    set({ loading: true });
    try {
      const page = await bridge.call('timeline.query', { id: session, limit: PAGE, before: cursor });
      if (get().session !== session) return;
      get().add(page.events);
      set({ more: page.more, cursor: page.cursor, loading: false });
    } catch (err) {
      set({ error: asKilnError(err), loading: false });
    }
  },

  async runVerify() {
    const { session } = get();
    if (!session) return;
    set({ verify: { running: true, result: null, error: null } });
    try {
      const result = await bridge.call('timeline.verify', { id: session });
      set({ verify: { running: false, result, error: null } });
    } catch (err) {
      set({ verify: { running: false, result: null, error: asKilnError(err) } });
    }
  },

  setFilters(patch) {
    set((s) => ({ filters: { ...s.filters, ...patch } }));
  },

  add(raws) {
    const fresh: TEvent[] = [];
    for (const raw of raws) {
      if (ids.has(raw.id)) continue;
      const ev = toTEvent(raw);
      if (!ev) continue;
      ids.add(raw.id);
      fresh.push(ev);
    }
    if (fresh.length === 0) return;
    set((s) => {
      const last = s.events[s.events.length - 1];
      fresh.sort(inChainOrder);
      // Common cases without a full sort: all newer (live), or all older (a page before).
      if (!last || inChainOrder(fresh[0]!, last) > 0) return { events: s.events.concat(fresh) };
      if (inChainOrder(fresh[fresh.length - 1]!, s.events[0]!) < 0) return { events: fresh.concat(s.events) };
      return { events: s.events.concat(fresh).sort(inChainOrder) };
    });
  },
}));

bridge.on('timeline.event', (p) => {
  const s = useTimeline.getState();
  if (p.id !== s.session) return;
  s.add([p.event]);
});

onReconnect(() => {
  // The server lost our subscription with the socket: subscribe again and fill the gap.
  const { session } = useTimeline.getState();
  if (!session) return;
  void (async () => {
    try {
      const { subscription } = await bridge.call('timeline.subscribe', { id: session });
      useTimeline.setState({ subscription });
      const page = await bridge.call('timeline.query', { id: session, limit: PAGE });
      useTimeline.getState().add(page.events);
    } catch (err) {
      useTimeline.setState({ error: asKilnError(err) });
    }
  })();
});

// ---- grouping (pure; the view memoises it) ----

export interface Group {
  key: string;
  checkpoint?: Extract<TEvent, { kind: 'checkpoint' }>;
  items: TEvent[];
}

export function entryKind(ev: TEvent): string {
  if (ev.kind === 'action') return ev.type === 'changes' ? 'file' : ev.type;
  if (ev.kind === 'sessionStart' || ev.kind === 'sessionEnd') return 'session';
  return ev.kind;
}

export function agentOf(ev: TEvent): string | undefined {
  if (ev.kind === 'sessionStart') return ev.content.agent;
  if (ev.kind !== 'action') return undefined;
  if (ev.content.type === 'tool') return ev.content.agent;
  if (ev.content.type === 'message') return ev.content.from;
  return undefined;
}

function matchesText(ev: TEvent, text: string): boolean {
  return JSON.stringify(ev.content).toLowerCase().includes(text);
}

/** Events grouped by checkpoint: the checkpoint, then the actions after it, in chain order. */
export function groupEvents(events: TEvent[], filters: Filters): Group[] {
  const hidden = new Set(filters.hidden);
  const text = filters.text.trim().toLowerCase();
  const agent = filters.agent;
  const filtering = hidden.size > 0 || text !== '' || agent !== '';
  const groups: Group[] = [];
  let current: Group | null = null;
  for (const ev of events) {
    if (ev.kind === 'checkpoint') {
      current = { key: ev.id, checkpoint: ev, items: [] };
      groups.push(current);
      continue;
    }
    if (filtering) {
      if (hidden.has(entryKind(ev))) continue;
      if (agent && agentOf(ev) !== agent) continue;
      if (text && !matchesText(ev, text)) continue;
    }
    if (!current) {
      current = { key: `head-${ev.id}`, items: [] };
      groups.push(current);
    }
    current.items.push(ev);
  }
  if (!filtering) return groups;
  // A checkpoint stays when it is shown itself (and matches the search) or holds a shown action.
  return groups.filter((g) => g.items.length > 0 || (g.checkpoint && !hidden.has('checkpoint') && !agent && (!text || matchesText(g.checkpoint, text))));
}
