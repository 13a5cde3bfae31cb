// The timeline of one session: its recorder's relay (events) and HTTP API (checkpoints, undo)
// behind one object. Construct it from a RecorderConnection (SessionManager.connection).
import { KIND, verifyChain, type ChainReport, type NostrEvent } from '../../src-shared/events';
import { RecorderApi, type BlobContent, type FileDiff, type UndoPreview, type CheckpointInfo, type CheckpointTaken, type RecorderTarget, type UndoResult } from './recorder-api';
import { groupByChain, inChainOrder, KILN_KINDS } from './chains';
import { RelayClient, type Filter, type LiveSubscription } from './relay-client';

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

  /** New events from now on (after what events() returned), until close(). */
  live(opts: { kinds?: number[] }, onEvent: (ev: NostrEvent) => void, onClose?: (reason: string) => void): Promise<LiveSubscription> {
    const since = Math.floor(Date.now() / 1000);
    return this.relay.subscribe({ kinds: opts.kinds?.length ? opts.kinds : [...KILN_KINDS], since }, onEvent, onClose);
  }

  /**
   * Everything the pod's recorder holds, oldest first. A recorder stopped cleanly (`kiln down`, a
   * daemon restart) ends its signed chain and the next start begins a new one (new key), so a
   * session's history is one or more chains, in the order they started. `kinds`/`limit` narrow
   * it (limit keeps the newest N).
   */
  async events(opts: { kinds?: number[]; limit?: number } = {}): Promise<NostrEvent[]> {
    const kinds = opts.kinds?.length ? opts.kinds : [...KILN_KINDS];
    const all = inChainOrder(await this.pages({ kinds }, opts.limit));
    return opts.limit !== undefined ? all.slice(-opts.limit) : all;
  }

  /** Every signature and every chain of the session; problems of all chains together. */
  async verify(): Promise<ChainReport> {
    const chains = groupByChain(await this.events());
    const reports = [...chains.values()].map((events) => verifyChain(events));
    return {
      events: reports.reduce((n, r) => n + r.events, 0),
      valid: reports.every((r) => r.valid),
      problems: reports.flatMap((r) => r.problems),
    };
  }

  /** Checkpoints of every chain, oldest first (the recorder's /api/checkpoints has the current chain's). */
  async checkpoints(): Promise<CheckpointInfo[]> {
    return (await this.events({ kinds: [KIND.checkpoint] })).map((ev) => {
      const c = parseContent(ev.content);
      return {
        id: ev.id,
        commit: ev.tags.find((t) => t[0] === 'r')?.[1] ?? String(c.commit ?? ''),
        created_at: ev.created_at,
        ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
        ...(typeof c.files === 'number' ? { files: c.files } : {}),
      };
    });
  }
  checkpoint(): Promise<CheckpointTaken> {
    return this.api.checkpoint();
  }
  undo(checkpoint?: string): Promise<UndoResult> {
    return this.api.undo(checkpoint);
  }

  blob(sha256: string): Promise<BlobContent> {
    return this.api.blob(sha256);
  }
  diff(commit: string, path: string): Promise<FileDiff> {
    return this.api.diff(commit, path);
  }
  undoPreview(checkpoint: string): Promise<UndoPreview> {
    return this.api.undoPreview(checkpoint);
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

function parseContent(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export type { BlobContent, FileDiff, UndoPreview, CheckpointInfo, CheckpointTaken, UndoResult, RecorderTarget, Filter, LiveSubscription };
