// The wire around the contract, identical over Electron IPC and over the web mode's WebSocket:
//   client → host  { t: 'req', id, op, input }
//   host → client  { t: 'res', id, ok: true, result } | { t: 'res', id, ok: false, error }
//   host → client  { t: 'push', stream, payload }
// The host validates every input and output against the contract; the client validates pushes.
import { z } from 'zod';
import { KilnFailure, kilnError, toKilnError } from '../errors';
import {
  KilnErrorSchema,
  requests,
  streams,
  type KilnErrorShape,
  type RequestInput,
  type RequestName,
  type RequestOutput,
  type StreamName,
  type StreamPayload,
} from './contract';

export const WireMessageSchema = z.union([
  z.object({ t: z.literal('req'), id: z.number().int(), op: z.string(), input: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int(), ok: z.literal(false), error: KilnErrorSchema }),
  z.object({ t: z.literal('push'), stream: z.string(), payload: z.unknown() }),
]);
export type WireMessage = z.infer<typeof WireMessageSchema>;

/** An error raised by a handler (or received by a client) that reaches the person as written. */
export class BridgeError extends KilnFailure {
  constructor(code: string, message: string, next?: string) {
    super(kilnError(code, message, next));
    this.name = 'BridgeError';
  }
  get code(): string {
    return this.kiln.code;
  }
  get next(): string | undefined {
    return this.kiln.next;
  }
  toJSON(): KilnErrorShape {
    return this.kiln;
  }
}

export type Handlers = { [N in RequestName]?: (input: RequestOutputOfInput<N>) => Promise<RequestOutput<N>> | RequestOutput<N> };
type RequestOutputOfInput<N extends RequestName> = z.output<(typeof requests)[N]['input']>;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
}

/** Host side: answers one request message. Never throws; the reply carries the error instead. */
export async function dispatch(handlers: Handlers, msg: { id: number; op: string; input: unknown }): Promise<WireMessage> {
  const spec = (requests as Record<string, { input: z.ZodType; output: z.ZodType }>)[msg.op];
  const handler = (handlers as Record<string, ((input: unknown) => unknown) | undefined>)[msg.op];
  if (!spec || !handler) {
    return { t: 'res', id: msg.id, ok: false, error: { code: 'unknown-operation', message: `The host does not know the operation "${msg.op}".` } };
  }
  const input = spec.input.safeParse(msg.input ?? {});
  if (!input.success) {
    return { t: 'res', id: msg.id, ok: false, error: { code: 'bad-input', message: `Invalid input for ${msg.op}: ${describeIssues(input.error)}.` } };
  }
  try {
    const result = await handler(input.data);
    const output = spec.output.safeParse(result);
    if (!output.success) {
      return { t: 'res', id: msg.id, ok: false, error: { code: 'bad-output', message: `The host produced an invalid answer for ${msg.op}: ${describeIssues(output.error)}.` } };
    }
    return { t: 'res', id: msg.id, ok: true, result: output.data };
  } catch (err) {
    return { t: 'res', id: msg.id, ok: false, error: toKilnError(err) }; // a KilnError crosses as written; anything else, its first line
  }
}

export function pushMessage<N extends StreamName>(stream: N, payload: StreamPayload<N>): WireMessage {
  return { t: 'push', stream, payload };
}

/** Whatever carries wire messages: an IPC port, a WebSocket, or an in-memory pair in tests. */
export interface Transport {
  send(msg: WireMessage): void;
  onMessage(listener: (msg: WireMessage) => void): () => void;
}

export interface BridgeClient {
  call<N extends RequestName>(op: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  on<N extends StreamName>(stream: N, listener: (payload: StreamPayload<N>) => void): () => void;
}

/** Client side: typed calls and stream subscriptions over any transport. */
export function createClient(transport: Transport): BridgeClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: BridgeError) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  transport.onMessage((raw) => {
    const msg = WireMessageSchema.safeParse(raw);
    if (!msg.success) return;
    const m = msg.data;
    if (m.t === 'res') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new BridgeError(m.error.code, m.error.message, m.error.next));
    } else if (m.t === 'push') {
      const schema = (streams as Record<string, z.ZodType>)[m.stream];
      const payload = schema?.safeParse(m.payload);
      if (!payload?.success) return;
      for (const l of listeners.get(m.stream) ?? []) l(payload.data);
    }
  });

  return {
    call(op, input) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        transport.send({ t: 'req', id, op, input });
      });
    },
    on(stream, listener) {
      let set = listeners.get(stream);
      if (!set) listeners.set(stream, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
