// Reading events back: a NIP-01 shape check, then a typed view of a Kiln event. Parsing does
// not verify ids or signatures (that is chain.ts's job, and costs a hash and a signature check).
import { z } from 'zod';
import {
  ActionContentSchema, CheckpointContentSchema, ErrorContentSchema, SessionEndContentSchema, SessionStartContentSchema,
  type ActionContent, type CheckpointContent, type ErrorContent, type SessionEndContent, type SessionStartContent,
} from './content';
import { describeIssue } from './errors';
import { KIND, type ActionType } from './kinds';
import type { NostrEvent } from './signer';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `expected ${n} lowercase hex characters`);

export const NostrEventSchema = z.object({
  id: hex(64),
  pubkey: hex(64),
  created_at: z.number().int().nonnegative(),
  kind: z.number().int().nonnegative(),
  tags: z.array(z.array(z.string())),
  content: z.string(),
  sig: hex(128),
});

/** Fields every parsed Kiln event has. sessionId is the start event's id; prev is null for the start. */
interface Common {
  ok: true;
  event: NostrEvent;
  seq: number;
  sessionId: string;
  prev: string | null;
}
export type ParsedSessionStart = Common & { kind: 'sessionStart'; content: SessionStartContent };
export type ParsedAction = {
  [T in ActionType]: Common & { kind: 'action'; type: T; content: Extract<ActionContent, { type: T }> };
}[ActionType];
export type ParsedCheckpoint = Common & { kind: 'checkpoint'; content: CheckpointContent };
export type ParsedError = Common & { kind: 'error'; content: ErrorContent };
export type ParsedSessionEnd = Common & { kind: 'sessionEnd'; content: SessionEndContent };
export type ParsedKilnEvent = ParsedSessionStart | ParsedAction | ParsedCheckpoint | ParsedError | ParsedSessionEnd;
export type ParseFailure = { ok: false; error: string };
export type ParseResult = ParsedKilnEvent | ParseFailure;

/** The first value of the first tag called `name`. */
export function tagValue(ev: Pick<NostrEvent, 'tags'>, name: string): string | undefined {
  return ev.tags.find((t) => t[0] === name)?.[1];
}

/** The `seq` tag as a non-negative integer (no leading zeros, no sign), or undefined. */
export function seqOf(ev: Pick<NostrEvent, 'tags'>): number | undefined {
  const v = tagValue(ev, 'seq');
  if (v === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

const fail = (error: string): ParseFailure => ({ ok: false, error });

export function parseKilnEvent(input: unknown): ParseResult {
  const shape = NostrEventSchema.safeParse(input);
  if (!shape.success) {
    return fail(`Not a Nostr event${describeIssue(shape.error)}.`);
  }
  const event = shape.data;
  let json: unknown;
  try {
    json = JSON.parse(event.content);
  } catch {
    return fail('The event content is not JSON.');
  }
  const seq = seqOf(event);
  if (seq === undefined) return fail('The event has no valid seq tag.');

  if (event.kind === KIND.sessionStart) {
    if (seq !== 0) return fail('A session start must have seq 0.');
    const content = SessionStartContentSchema.safeParse(json);
    if (!content.success) return contentFailure('session start', content.error);
    const recipeTag = tagValue(event, 'i');
    if (content.data.recipe && recipeTag !== `recipe:${content.data.recipe}`) return fail('The recipe tag does not match the content.');
    return { ok: true, kind: 'sessionStart', event, seq, sessionId: event.id, prev: null, content: content.data };
  }

  const sessionId = tagValue(event, 'E');
  const prev = tagValue(event, 'e');
  if (!sessionId || !/^[0-9a-f]{64}$/.test(sessionId)) return fail('The event has no valid E tag (session start).');
  if (!prev || !/^[0-9a-f]{64}$/.test(prev)) return fail('The event has no valid e tag (previous event).');
  if (seq === 0) return fail('Only the session start may have seq 0.');
  const common = { ok: true as const, event, seq, sessionId, prev };

  switch (event.kind) {
    case KIND.action: {
      const content = ActionContentSchema.safeParse(json);
      if (!content.success) return contentFailure('action', content.error);
      if (tagValue(event, 't') !== content.data.type) return fail('The t tag does not match the action type.');
      return { ...common, kind: 'action', type: content.data.type, content: content.data } as ParsedAction;
    }
    case KIND.checkpoint: {
      const content = CheckpointContentSchema.safeParse(json);
      if (!content.success) return contentFailure('checkpoint', content.error);
      if (tagValue(event, 'r') !== content.data.commit) return fail('The r tag does not match the checkpoint commit.');
      return { ...common, kind: 'checkpoint', content: content.data };
    }
    case KIND.error: {
      const content = ErrorContentSchema.safeParse(json);
      if (!content.success) return contentFailure('error', content.error);
      return { ...common, kind: 'error', content: content.data };
    }
    case KIND.sessionEnd: {
      const content = SessionEndContentSchema.safeParse(json);
      if (!content.success) return contentFailure('session end', content.error);
      return { ...common, kind: 'sessionEnd', content: content.data };
    }
    default:
      return fail(`Kind ${event.kind} is not a Kiln session event.`);
  }
}

function contentFailure(what: string, error: z.ZodError): ParseFailure {
  return fail(`The ${what} content is not valid${describeIssue(error)}.`);
}
