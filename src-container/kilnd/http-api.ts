// The recorder's one port: the relay (WebSocket upgrade on "/", NIP-11 on GET "/"), the agents'
// hook endpoints, and the app's API. Two bearer tokens, two powers:
//   hook token    (in the workspace container)  may add receipts: /hooks/*
//   session token (the app, never the workspace) may also read, checkpoint and undo: /api/*
import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { CommandEnd, Recorder } from './recorder';
import type { EventStore } from './store';
import { inspectRoute } from './inspect-api';

const MAX_BODY = 1024 * 1024;

export interface HttpApiOptions {
  recorder: Recorder;
  store: EventStore;
  sessionToken: string;
  hookToken: string;
  startId: string;
  /** Answers NIP-11 (the relay's handler); false leaves the request to us. */
  handleInfoRequest: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly next?: string) {
    super(message);
  }
}

const ToolBefore = z.object({ agent: z.string().default('agent'), tool: z.string(), input: z.unknown().optional() });
const ToolAfter = ToolBefore.extend({ output: z.unknown().optional(), ok: z.boolean().optional() });
const Message = z.object({ from: z.string(), to: z.string().optional(), text: z.string() });
const Undo = z.object({ checkpoint: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a checkpoint is a 64-hex event id or a 40-hex commit').optional() });

type Route = (req: http.IncomingMessage, url: URL, body: Buffer) => Promise<unknown>;

export function createRequestHandler(opts: HttpApiOptions): http.RequestListener {
  const { recorder, store } = opts;
  const inspect = inspectRoute({ store }); // blob, diff, undo preview (read-only; see inspect-api.ts)
  const query = (url: URL, name: string) => url.searchParams.get(name) ?? undefined;
  const int = (v: string | undefined) => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined);

  // The shell hook speaks raw HTTP over bash's /dev/tcp: the command is the body, the rest are
  // headers (X-Kiln-Cwd-Bytes: the body's first N bytes are the cwd). `?cwd=&exit=&ms=` still works.
  const commandOf = (req: http.IncomingMessage, url: URL, body: Buffer): CommandEnd => {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const cwdBytes = int(header('x-kiln-cwd-bytes'));
    let cwd = query(url, 'cwd');
    let command = body;
    if (cwdBytes !== undefined && cwdBytes >= 0 && cwdBytes <= body.length) {
      cwd = body.subarray(0, cwdBytes).toString('utf8');
      command = body.subarray(cwdBytes);
    }
    const exitCode = int(header('x-kiln-exit') ?? query(url, 'exit'));
    const durationMs = int(header('x-kiln-ms') ?? query(url, 'ms'));
    return {
      command: command.toString('utf8'),
      ...(cwd ? { cwd } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    };
  };

  const hooks: Record<string, Route> = {
    // Waits for the checkpoint (however long: the hook waits too); a no-op answers at once.
    'POST /hooks/command/start': async () => recorder.beforeAction('pre-command'),
    // Acknowledged at once: the receipt and the capture of what changed follow on the queue.
    'POST /hooks/command/end': async (req, url, body) => {
      recorder.afterCommand(commandOf(req, url, body));
      return { ok: true };
    },
    'POST /hooks/tool/before': async (_req, _url, body) => {
      parseJson(ToolBefore, body);
      return recorder.beforeAction('pre-tool');
    },
    'POST /hooks/tool/after': async (_req, _url, body) => {
      recorder.afterTool(parseJson(ToolAfter, body));
      return { ok: true };
    },
    'POST /hooks/message': async (_req, _url, body) => {
      const m = parseJson(Message, body);
      await recorder.message(m.from, m.text, m.to);
      return { ok: true };
    },
    // The hooks' list of commands that ran while the recorder was unreachable, one per line:
    // "<epoch seconds> <start|end> <command, newlines as \n>".
    'POST /hooks/unprotected': async (_req, _url, body) => {
      const commands = parseUnprotected(body.toString('utf8'));
      await recorder.unprotected(commands);
      return { ok: true, recorded: commands.length };
    },
  };

  const api: Record<string, Route> = {
    'GET /api/session': async () => ({ startId: opts.startId, actions: recorder.actionCount, lastRestorePoint: recorder.lastRestorePoint }),
    'GET /api/checkpoints': async () =>
      store.query({ kinds: [4602], '#E': [opts.startId], limit: 1000 }).map((ev) => {
        const content = safeJson(ev.content);
        return { id: ev.id, commit: ev.tags.find((t) => t[0] === 'r')?.[1], created_at: ev.created_at, reason: content.reason, files: content.files };
      }),
    // Waits until every receipt queued before the call is signed and stored: hooks answer
    // before their capture is written, so readers (`kiln exec`, tests) wait here, not in the hook.
    'GET /api/settled': async () => {
      await recorder.settled();
      return { actions: recorder.actionCount };
    },
    'POST /api/checkpoint': async () => {
      const cp = await recorder.checkpointNow();
      return { commit: cp.commit, files: cp.files, ms: Math.round(cp.ms * 10) / 10, unchanged: cp.unchanged };
    },
    'POST /api/undo': async (_req, _url, body) => {
      const { checkpoint } = parseJson(Undo, body.length ? body : Buffer.from('{}'));
      return recorder.undo(checkpoint ? resolveCheckpoint(store, checkpoint) : undefined);
    },
  };

  return (req, res) => {
    void (async () => {
      if (req.method === 'GET' && (req.url === '/' || req.url === '') && opts.handleInfoRequest(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://kilnd');
      const key = `${req.method} ${url.pathname}`;
      if (key === 'GET /health') return send(res, 200, { ok: true, session: opts.startId, actions: recorder.actionCount });
      const hook = hooks[key];
      const call = api[key] ?? inspect(key);
      if (!hook && !call) throw new HttpError(404, 'not-found', `No such endpoint: ${key}.`);
      const token = bearer(req);
      const mayHook = token !== null && (same(token, opts.hookToken) || same(token, opts.sessionToken));
      const mayApi = token !== null && same(token, opts.sessionToken);
      if (hook ? !mayHook : !mayApi) throw new HttpError(401, 'unauthorized', 'A valid bearer token is required.', 'Use the session token the host was given when the session started.');
      const body = await readBody(req);
      send(res, 200, await (hook ?? call)!(req, url, body));
    })().catch((err: unknown) => {
      const e = toHttpError(err);
      if (!res.headersSent) send(res, e.status, { error: { code: e.code, message: e.message, ...(e.next ? { next: e.next } : {}) } });
    });
  };
}

/** Known failures keep their code and advice; anything else is a 500 with its message. */
const STATUS_BY_CODE: Record<string, number> = { 'nothing-to-undo': 409, 'unknown-checkpoint': 404, 'unknown-blob': 404, 'bad-request': 400 };
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const { code, hint } = err as { code?: unknown; hint?: unknown };
  const c = typeof code === 'string' ? code : 'internal';
  return new HttpError(STATUS_BY_CODE[c] ?? 500, c, err instanceof Error ? err.message : String(err), typeof hint === 'string' ? hint : undefined);
}

/** Lines "<epoch> <phase> <command>" (a bare command line is accepted too). */
export function parseUnprotected(text: string): { at?: number; phase: string; command: string }[] {
  const out: { at?: number; phase: string; command: string }[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^(\d+) (start|end) (.*)$/s.exec(line);
    const raw = m ? m[3]! : line;
    const command = raw.replace(/\\n/g, '\n');
    out.push(m ? { at: Number(m[1]), phase: m[2]!, command } : { phase: 'start', command });
  }
  return out;
}

/** A checkpoint named by its event id or by its commit. */
function resolveCheckpoint(store: EventStore, ref: string): string {
  if (ref.length === 40) return ref;
  const [ev] = store.query({ ids: [ref], kinds: [4602] });
  const commit = ev?.tags.find((t) => t[0] === 'r')?.[1];
  if (!commit) throw new HttpError(404, 'unknown-checkpoint', `No checkpoint event ${ref} in this session.`, 'List them with `kiln checkpoints SESSION`.');
  return commit;
}

function parseJson<T>(schema: z.ZodType<T>, body: Buffer): T {
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad-json', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new HttpError(400, 'bad-request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

function safeJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function bearer(req: http.IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'too-large', `The request body is over ${MAX_BODY} bytes.`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
