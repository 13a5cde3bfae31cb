// The recorder's HTTP API (/api/*, bearer session token): checkpoints, checkpoint now, undo.
// Every failure becomes a KilnError with a next step; the recorder's own {error:{code,message,
// next}} answers keep their words.
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { httpJson, type HttpJsonResponse } from './http-json';

export interface CheckpointInfo {
  /** The checkpoint event id (kind 4602). */
  id: string;
  commit: string;
  created_at: number;
  reason?: string;
  files?: number;
}
export interface CheckpointTaken {
  commit: string;
  files: number;
  ms: number;
  unchanged: boolean;
}
export interface UndoResult {
  restored: string;
  before: string;
  changed: number;
  ms: number;
}
export interface RecorderSession {
  startId: string;
  actions: number;
  lastRestorePoint?: string;
}

export interface BlobContent {
  sha256: string;
  size: number;
  binary: boolean;
  /** The text, when it is text and at most 4 MiB. */
  text?: string;
}
export interface FileDiff {
  path: string;
  diff?: string;
  binary: boolean;
  size?: number;
  oid?: string;
}
export interface UndoPreview {
  checkpoint: string;
  added: string[];
  modified: string[];
  deleted: string[];
  truncated: boolean;
}

export interface RecorderTarget {
  /** Session id, for messages. */
  id: string;
  /** http://127.0.0.1:<port> */
  url: string;
  sessionToken: string;
}

export class RecorderApi {
  constructor(private readonly target: RecorderTarget, private readonly timeoutMs = 60_000) {}

  session(): Promise<RecorderSession> {
    return this.call('GET', '/api/session');
  }
  checkpoints(): Promise<CheckpointInfo[]> {
    return this.call('GET', '/api/checkpoints');
  }
  checkpoint(): Promise<CheckpointTaken> {
    return this.call('POST', '/api/checkpoint');
  }
  /** Restore a checkpoint (event id or commit); default: the state before the last action. */
  undo(checkpoint?: string): Promise<UndoResult> {
    return this.call('POST', '/api/undo', checkpoint ? { checkpoint } : {});
  }

  /** A blob the recorder holds (src-container/kilnd/inspect-api.ts). */
  blob(sha256: string): Promise<BlobContent> {
    return this.call('GET', `/api/blob/${sha256}`);
  }
  /** One file's diff at a checkpoint commit, against its parent. */
  diff(commit: string, path: string): Promise<FileDiff> {
    return this.call('GET', `/api/diff?${new URLSearchParams({ commit, path })}`);
  }
  /** What undo to a checkpoint (event id or commit) would change. */
  undoPreview(checkpoint: string): Promise<UndoPreview> {
    return this.call('GET', `/api/undo/preview?${new URLSearchParams({ checkpoint })}`);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const { id, url, sessionToken } = this.target;
    let res: HttpJsonResponse;
    try {
      res = await httpJson(url + path, { method, token: sessionToken, ...(body !== undefined ? { body } : {}), timeoutMs: this.timeoutMs });
    } catch (err) {
      throw new KilnFailure(unreachable(id, url, err));
    }
    if (res.status < 200 || res.status >= 300) {
      const e = (res.data as { error?: { code?: string; message?: string; next?: string } } | undefined)?.error;
      const code = `E_RECORDER_${(e?.code ?? `http-${res.status}`).toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
      throw new KilnFailure(
        kilnError(code, e?.message ?? `The recorder of session "${id}" answered HTTP ${res.status}.`, e?.next ?? `Check the session with \`kiln status ${id}\`.`),
      );
    }
    return res.data as T;
  }
}

export function unreachable(id: string, url: string, err: unknown): ReturnType<typeof kilnError> {
  const e = err as { code?: string; cause?: { code?: string }; name?: string };
  const cause = e.code ?? e.cause?.code ?? e.name ?? 'error';
  const why = cause === 'TimeoutError' ? 'did not answer in time' : `could not be reached (${cause})`;
  return kilnError('E_RECORDER_UNREACHABLE', `The recorder of session "${id}" at ${url} ${why}.`, `Check the session with \`kiln status ${id}\`; bring it back with \`kiln up --name ${id}\`.`);
}
