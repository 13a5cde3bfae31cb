// The bridge contract: every request, response and stream between the renderer (or the CLI, or
// a browser in web mode) and the host core, each with its zod schema. One source of truth: the
// preload, the IPC router, the WebSocket server and the renderer client are all derived from
// `contract` (see ./rpc), so adding an operation is one entry here plus its handler.
import { z } from 'zod';

/** A user-facing error that survives the boundary intact (podman-desktop style). */
export const KilnErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  next: z.string().optional(),
});
export type KilnErrorShape = z.infer<typeof KilnErrorSchema>;

const SessionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a session id is lowercase letters, digits and dashes');

export const EngineStatusSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    name: z.string(),
    endpoint: z.string(),
    version: z.string(),
    imagePresent: z.boolean(),
  }),
  z.object({
    ok: z.literal(false),
    error: KilnErrorSchema,
    tried: z.array(z.object({ source: z.string(), endpoint: z.string(), error: z.string() })),
  }),
]);

export const SessionSummarySchema = z.object({
  id: SessionId,
  name: z.string(),
  workspace: z.string(),
  state: z.enum(['running', 'stopped', 'starting', 'broken']),
  createdAt: z.string(),
  url: z.string().optional(),
  recipe: z.string().optional(),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

/** A raw signed NIP-01 event, as stored by the recorder. */
export const NostrEventSchema = z.object({
  id: z.string(),
  pubkey: z.string(),
  created_at: z.number().int(),
  kind: z.number().int(),
  tags: z.array(z.array(z.string())),
  content: z.string(),
  sig: z.string(),
});

export const CheckpointSummarySchema = z.object({
  id: z.string(),
  commit: z.string(),
  created_at: z.number().int(),
  reason: z.string().optional(),
  files: z.number().int().optional(),
});

/** Request/response operations. Names are `area.verb`. */
export const requests = {
  'app.info': {
    input: z.object({}),
    output: z.object({ name: z.string(), version: z.string(), mode: z.enum(['electron', 'web', 'cli']) }),
  },
  'engine.status': { input: z.object({}), output: EngineStatusSchema },
  'sessions.list': { input: z.object({}), output: z.array(SessionSummarySchema) },
  'sessions.create': {
    input: z.object({ name: z.string().optional(), workspace: z.string().optional(), recipe: z.string().optional() }),
    output: SessionSummarySchema,
  },
  'sessions.stop': { input: z.object({ id: SessionId }), output: SessionSummarySchema },
  'sessions.resume': { input: z.object({ id: SessionId }), output: SessionSummarySchema },
  'sessions.remove': { input: z.object({ id: SessionId }), output: z.object({ removed: z.literal(true) }) },
  'timeline.query': {
    input: z.object({ id: SessionId, kinds: z.array(z.number().int()).optional(), limit: z.number().int().positive().max(5000).optional() }),
    output: z.array(NostrEventSchema),
  },
  'timeline.checkpoints': { input: z.object({ id: SessionId }), output: z.array(CheckpointSummarySchema) },
  'timeline.undo': {
    input: z.object({ id: SessionId, checkpoint: z.string().optional() }),
    output: z.object({ restored: z.string(), before: z.string(), changed: z.number().int(), ms: z.number() }),
  },
  /** Pull a model into the Ollama Kiln uses; progress arrives on the `progress` stream (task `models.pull:NAME`). */
  'models.pull': {
    input: z.object({ name: z.string().min(1), host: z.string().url().optional() }),
    output: z.object({ name: z.string(), completed: z.number(), total: z.number() }),
  },
  'terminal.open': {
    input: z.object({ id: SessionId, cols: z.number().int().positive(), rows: z.number().int().positive() }),
    output: z.object({ terminal: z.string() }),
  },
  'terminal.write': { input: z.object({ terminal: z.string(), data: z.string() }), output: z.object({}) },
  'terminal.resize': {
    input: z.object({ terminal: z.string(), cols: z.number().int().positive(), rows: z.number().int().positive() }),
    output: z.object({}),
  },
  /** Flow control: the renderer acknowledges bytes once xterm has written them. */
  'terminal.ack': { input: z.object({ terminal: z.string(), bytes: z.number().int().nonnegative() }), output: z.object({}) },
  'terminal.close': { input: z.object({ terminal: z.string() }), output: z.object({}) },
} as const;

/** Host → client pushes. Each stream is keyed by a topic string the client subscribes to. */
export const streams = {
  'terminal.data': z.object({ terminal: z.string(), data: z.string() }),
  'terminal.exit': z.object({ terminal: z.string(), exitCode: z.number().int().nullable() }),
  'timeline.event': z.object({ id: SessionId, event: NostrEventSchema }),
  'progress': z.object({ task: z.string(), message: z.string(), current: z.number().optional(), total: z.number().optional() }),
} as const;

export const contract = { requests, streams } as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;
export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamPayload<N extends StreamName> = z.output<Streams[N]>;
