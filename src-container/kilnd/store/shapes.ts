// The shapes the store accepts: a NIP-01 event and a NIP-01 filter, checked with zod before
// anything touches SQLite. Limits here are the relay's limits too (DESIGN.md: match public relays).
import { z } from 'zod';
import { MAX_EVENT_BYTES, MAX_TAGS, NostrEventSchema } from '../../../src-shared/events';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes * 2} lowercase hex characters`);

export const EVENT_LIMITS = {
  /** Largest serialized event accepted (bytes of its JSON). */
  maxEventBytes: MAX_EVENT_BYTES,
  /** Most tags an event may carry. */
  maxEventTags: MAX_TAGS,
} as const;

/** The shared NIP-01 shape, plus what the store enforces on the way in: kind range, tag count. */
export const EventSchema = NostrEventSchema.extend({
  kind: z.number().int().min(0).max(65535),
  tags: z.array(z.array(z.string())).max(EVENT_LIMITS.maxEventTags),
});

export type NostrEvent = z.infer<typeof EventSchema>;

const FilterBase = z.object({
  ids: z.array(hex(32)).optional(),
  authors: z.array(hex(32)).optional(),
  kinds: z.array(z.number().int().min(0).max(65535)).optional(),
  since: z.number().int().nonnegative().optional(),
  until: z.number().int().nonnegative().optional(),
  limit: z.number().int().nonnegative().optional(),
});

/** A NIP-01 filter: the fields above plus "#x" single-letter tag filters. */
export type Filter = z.infer<typeof FilterBase> & { [tag: `#${string}`]: string[] | undefined };

const TAG_KEY = /^#[a-zA-Z]$/;
const tagValues = z.array(z.string());

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validate a filter; unknown keys other than "#x" are refused, so a typo never widens a query. */
export function parseFilter(input: unknown): ParseResult<Filter> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'a filter must be a JSON object' };
  const base: Record<string, unknown> = {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key.startsWith('#')) {
      if (!TAG_KEY.test(key)) return { ok: false, reason: `tag filter "${key}" must be # and one letter` };
      const parsed = tagValues.safeParse(value);
      if (!parsed.success) return { ok: false, reason: `${key} must be an array of strings` };
      out[key] = parsed.data;
    } else if (key in FilterBase.shape) {
      base[key] = value;
    } else {
      return { ok: false, reason: `unsupported filter field "${key}"` };
    }
  }
  const parsed = FilterBase.safeParse(base);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  return { ok: true, value: { ...parsed.data, ...out } as Filter };
}

export function parseEvent(input: unknown): ParseResult<NostrEvent> {
  const parsed = EventSchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describe(parsed.error) };
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'malformed';
  const where = issue.path.length ? issue.path.join('.') : 'value';
  return `${where}: ${issue.message}`;
}

/** The canonical stored form: exactly the NIP-01 fields, in NIP-01 order (no extra keys leak). */
export function serializeEvent(e: NostrEvent): string {
  return JSON.stringify({ id: e.id, pubkey: e.pubkey, created_at: e.created_at, kind: e.kind, tags: e.tags, content: e.content, sig: e.sig });
}

/** NIP-01 kind classes: how the store keeps each kind. */
export function kindClass(kind: number): 'regular' | 'replaceable' | 'ephemeral' | 'addressable' {
  if (kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000)) return 'replaceable';
  if (kind >= 20000 && kind < 30000) return 'ephemeral';
  if (kind >= 30000 && kind < 40000) return 'addressable';
  return 'regular';
}
