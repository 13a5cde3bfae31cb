// Fitting an event inside the relay limits (MAX_EVENT_BYTES, MAX_TAGS) whatever its input.
// First try the content as is; if too big, put the whole content in a JSON blob and keep a
// shortened copy in the event, cutting strings, lists and nesting harder on each rung. The last
// rung is small by construction (a few dozen leaves of ≤ 64 chars), so every draft fits.
import type { EventTemplate } from 'nostr-tools/pure';
import { blobTags, JSON_MIME, textBlob, type EventBlob } from './blob';
import { KilnEventError } from './errors';
import { MAX_EVENT_BYTES, MAX_TAGS, utf8Length } from './limits';

export interface Draft {
  kind: number;
  createdAt: number;
  /** Tags the protocol needs (E, e, seq, t, r, i, p): never dropped. */
  baseTags: string[][];
  /** Caller's tags: kept while they fit, dropped from the end otherwise. */
  extraTags: string[][];
  content: Record<string, unknown>;
  /** Blobs already split off (e.g. a large diff). */
  blobs: EventBlob[];
}

interface Rung { str: number; items: number; depth: number; tagValues: number }
// Strings never shrink below 64 chars, so hashes and commit ids survive every rung.
const RUNGS: readonly Rung[] = [
  { str: 4096, items: 64, depth: 8, tagValues: 8 },
  { str: 1024, items: 16, depth: 4, tagValues: 4 },
  { str: 256, items: 8, depth: 3, tagValues: 3 },
  { str: 64, items: 4, depth: 2, tagValues: 0 }, // tagValues 0: extra tags dropped
];
const PLACEHOLDER_ID = '0'.repeat(64);
const PLACEHOLDER_SIG = '0'.repeat(128);

export function fitEvent(draft: Draft, pubkey: string): { template: EventTemplate; blobs: EventBlob[] } {
  const json = JSON.stringify(draft.content);
  // UTF-8 bytes ≥ UTF-16 units, and the event escapes the content again: a content JSON
  // longer than the limit cannot fit, so skip measuring (and copying) megabytes.
  if (json.length <= MAX_EVENT_BYTES) {
    const first = assemble(draft, draft.content, draft.blobs, draft.extraTags);
    if (serializedBytes(first, pubkey) <= MAX_EVENT_BYTES) return { template: first, blobs: draft.blobs };
  }

  const full = textBlob(json, JSON_MIME);
  const blobs = [...draft.blobs, full];
  for (const rung of RUNGS) {
    const content: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(draft.content)) content[key] = shrink(value, rung, 1);
    content.blob = full.sha256;
    content.shortened = true;
    content.summary = `Shortened to fit the ${MAX_EVENT_BYTES / 1024} KiB event limit; the full content (${full.size} bytes) is in blob ${full.sha256}.`;
    const extras = rung.tagValues === 0 ? [] : draft.extraTags.map((t) => t.slice(0, rung.tagValues).map((v) => cut(v, rung.str)));
    const template = assemble(draft, content, blobs, extras);
    if (serializedBytes(template, pubkey) <= MAX_EVENT_BYTES) return { template, blobs };
  }
  throw new KilnEventError('internal', 'An event could not be made small enough to sign.', 'Report this as a bug in Kiln.');
}

/** Tags in a fixed order (base, blob, extra), extras cut to respect MAX_TAGS; the count of
 *  dropped extras goes into the content so a reader knows. */
function assemble(draft: Draft, content: Record<string, unknown>, blobs: EventBlob[], extras: string[][]): EventTemplate {
  const fixed = [...draft.baseTags, ...blobs.flatMap(blobTags)];
  const room = Math.max(0, MAX_TAGS - fixed.length);
  const kept = extras.slice(0, room);
  const dropped = draft.extraTags.length - kept.length;
  const finalContent = dropped > 0 ? { ...content, tagsDropped: dropped } : content;
  return { kind: draft.kind, created_at: draft.createdAt, tags: [...fixed, ...kept], content: JSON.stringify(finalContent) };
}

/** Exact size of the signed event: id, pubkey and sig have fixed lengths. */
export function serializedBytes(template: EventTemplate, pubkey: string): number {
  return utf8Length(JSON.stringify({ ...template, id: PLACEHOLDER_ID, pubkey, sig: PLACEHOLDER_SIG }));
}

function shrink(value: unknown, rung: Rung, depth: number): unknown {
  if (typeof value === 'string') return cut(value, rung.str);
  if (value === null || typeof value !== 'object') return value;
  if (depth > rung.depth) return '[…]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, rung.items).map((v) => shrink(v, rung, depth + 1));
    // A list of records (e.g. a changes receipt's files) stays a list of records: its length
    // says how many are kept, and the content's own count (`total`) and blob hold the rest.
    if (value.length <= rung.items || kept.some((v) => v !== null && typeof v === 'object')) return kept;
    return [...kept, `[+${value.length - rung.items} more]`];
  }
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries.slice(0, rung.items)) out[cut(key, rung.str)] = shrink(v, rung, depth + 1);
  if (entries.length > rung.items) out['…'] = `+${entries.length - rung.items} more`;
  return out;
}

/** At most `max` UTF-16 units, never splitting a surrogate pair, with a visible mark. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1;
  return s.slice(0, end) + '…';
}
