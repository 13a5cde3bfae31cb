// The timeline of one session: its recorder's relay (events) and HTTP API (checkpoints, undo)
// behind one object. Construct it from a RecorderConnection (SessionManager.connection).
import { verifyChain, type ChainReport, type NostrEvent } from '../../src-shared/events';
import { RecorderApi, type CheckpointInfo, type CheckpointTaken, type RecorderTarget, type UndoResult } from './recorder-api';
import { RelayClient, sortChronologically, type Filter, type LiveSubscription } from './relay-client';

/** The relay answers at most this many events per query (kilnd's max_limit). */
const PAGE = 5000;

export class TimelineClient {
  private readonly relay: RelayClient;
  private readonly api: RecorderApi;

  constructor(readonly target: RecorderTarget, opts: { timeoutMs?: number } = {}) {
    this.relay = new RelayClient(target, opts.timeoutMs);
    this.api = new RecorderApi(target);
  }

  /** Stored events matching a filter, in chain order. */
  query(filter: Filter): Promise<NostrEvent[]> {
    return this.relay.query(filter);
  }

  /** Stored, then live events matching a filter. */
  subscribe(filter: Filter, onEvent: (ev: NostrEvent) => void, onClose?: (reason: string) => void): Promise<LiveSubscription> {
    return this.relay.subscribe(filter, onEvent, onClose);
  }

  /** Every event of the session, stored then live (the start event excepted). */
  async live(opts: { kinds?: number[] }, onEvent: (ev: NostrEvent) => void, onClose?: (reason: string) => void): Promise<LiveSubscription> {
    const { startId } = await this.api.session();
    return this.relay.subscribe({ '#E': [startId], ...(opts.kinds?.length ? { kinds: opts.kinds } : {}) }, onEvent, onClose);
  }

  /**
   * The session's events, oldest first: the start event and everything pointing at it.
   * `kinds`/`limit` narrow it (limit keeps the newest N).
   */
  async events(opts: { kinds?: number[]; limit?: number } = {}): Promise<NostrEvent[]> {
    const { startId } = await this.api.session();
    const kinds = opts.kinds?.length ? opts.kinds : undefined;
    const byE = await this.pages({ '#E': [startId], ...(kinds ? { kinds } : {}) }, opts.limit);
    const start = !kinds || kinds.includes(4600) ? await this.relay.query({ ids: [startId] }) : [];
    const all = sortChronologically(dedupe([...start, ...byE]));
    return opts.limit !== undefined ? all.slice(-opts.limit) : all;
  }

  /** Every signature and the chain of the whole session. */
  async verify(): Promise<ChainReport> {
    return verifyChain(await this.events());
  }

  checkpoints(): Promise<CheckpointInfo[]> {
    return this.api.checkpoints();
  }
  checkpoint(): Promise<CheckpointTaken> {
    return this.api.checkpoint();
  }
  undo(checkpoint?: string): Promise<UndoResult> {
    return this.api.undo(checkpoint);
  }

  close(): void {
    this.relay.close();
  }

  /** Newest-first pages walked back with `until` (inclusive, so overlaps are de-duplicated). */
  private async pages(filter: Filter, want?: number): Promise<NostrEvent[]> {
    const seen = new Map<string, NostrEvent>();
    let until: number | undefined;
    for (;;) {
      const limit = Math.min(PAGE, want ?? PAGE);
      const page = await this.relay.query({ ...filter, limit, ...(until !== undefined ? { until } : {}) });
      let added = 0;
      for (const ev of page) {
        if (seen.has(ev.id)) continue;
        seen.set(ev.id, ev);
        added++;
      }
      if (page.length < limit || added === 0 || (want !== undefined && seen.size >= want)) break;
      until = Math.min(...page.map((e) => e.created_at));
    }
    return [...seen.values()];
  }
}

function dedupe(events: NostrEvent[]): NostrEvent[] {
  return [...new Map(events.map((e) => [e.id, e])).values()];
}

export type { CheckpointInfo, CheckpointTaken, UndoResult, RecorderTarget, Filter, LiveSubscription };
