// One session's chain of events: the only way Kiln makes session events. It cleans, redacts,
// validates and size-fits content BEFORE signing, and links every event to the session start
// (`E`), to the event before it (`e`) and numbers it (`seq`), so a gap is visible later.
import type { z } from 'zod';
import { DIFF_MIME, textBlob, type EventBlob } from './blob';
import { cleanText, cleanValue } from './clean';
import {
  ActionContentSchema, CheckpointContentSchema, CONTENT_META_KEYS, ErrorContentSchema, PubkeySchema,
  SessionEndContentSchema, SessionStartContentSchema,
  type ActionInput, type CheckpointInput, type ErrorInput, type SessionEndInput, type SessionStartInput,
} from './content';
import { describeIssue, KilnEventError } from './errors';
import { fitEvent, type Draft } from './fit';
import { KIND } from './kinds';
import { MAX_INLINE_DIFF_BYTES, utf8Length } from './limits';
import { redactValue, type Redactor } from './redact';
import { plainEvent, type NostrEvent, type Signer } from './signer';

export interface WriterOptions {
  /** Applied to every string after cleaning; see createRedactor. Default: no redaction. */
  redact?: Redactor;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
}
export interface StartOptions extends WriterOptions, WriteOptions {
  /** The owner's public key (hex), tagged `p`. */
  owner?: string;
}
export interface WriteOptions {
  /** Extra tags after the protocol's own; the ones over MAX_TAGS are dropped (and counted). */
  tags?: string[][];
}
/** Where a chain stands: enough to continue it after a restart. */
export interface ChainPosition {
  startId: string;
  lastId: string;
  lastSeq: number;
}
export interface Written {
  event: NostrEvent;
  /** Bytes the caller must store by sha256 before publishing the event. */
  blobs: EventBlob[];
}

type AnySchema = z.ZodType<Record<string, unknown>>;

export class SessionWriter {
  private position_: ChainPosition;
  private ended_ = false;

  private constructor(
    private readonly signer: Signer,
    position: ChainPosition,
    private readonly options: WriterOptions,
  ) {
    this.position_ = { ...position };
  }

  /** Sign the session start (kind 4600, seq 0) and return a writer for the rest of the chain. */
  static start(signer: Signer, content: SessionStartInput, opts: StartOptions = {}): Written & { writer: SessionWriter } {
    const base: string[][] = [['seq', '0']];
    const prepared = prepare(SessionStartContentSchema as AnySchema, content, opts.redact);
    if (typeof prepared.recipe === 'string') base.push(['i', `recipe:${prepared.recipe}`]);
    if (opts.owner !== undefined) {
      if (!PubkeySchema.safeParse(opts.owner).success) {
        throw new KilnEventError('invalid-option', 'The owner key is not a 64-character hex public key.', 'Pass the owner pubkey in hex, not npub.');
      }
      base.push(['p', opts.owner]);
    }
    const written = signDraft(signer, SessionStartContentSchema as AnySchema, {
      kind: KIND.sessionStart, createdAt: seconds(opts.now), baseTags: base,
      extraTags: prepareTags(opts.tags, opts.redact), content: prepared, blobs: [],
    });
    const writer = new SessionWriter(signer, { startId: written.event.id, lastId: written.event.id, lastSeq: 0 }, opts);
    return { ...written, writer };
  }

  /** Continue a chain after a restart: the next event gets seq lastSeq+1 and e = lastId. */
  static resume(signer: Signer, position: ChainPosition, opts: WriterOptions = {}): SessionWriter {
    const hex = /^[0-9a-f]{64}$/;
    if (!hex.test(position.startId) || !hex.test(position.lastId) || !Number.isSafeInteger(position.lastSeq) || position.lastSeq < 0) {
      throw new KilnEventError('invalid-option', 'The chain position to resume from is malformed.', 'Read startId, lastId and lastSeq from the last stored event of the session.');
    }
    return new SessionWriter(signer, position, opts);
  }

  get pubkey(): string {
    return this.signer.pubkey;
  }
  get position(): ChainPosition {
    return { ...this.position_ };
  }
  get ended(): boolean {
    return this.ended_;
  }

  action(content: ActionInput, opts: WriteOptions = {}): Written {
    const prepared = prepare(ActionContentSchema as AnySchema, content, this.options.redact);
    const blobs = prepared.type === 'file' ? moveLargeDiff(prepared) : [];
    return this.append(KIND.action, ActionContentSchema as AnySchema, prepared, [['t', String(prepared.type)]], blobs, opts);
  }

  checkpoint(content: CheckpointInput, opts: WriteOptions = {}): Written {
    const prepared = prepare(CheckpointContentSchema as AnySchema, content, this.options.redact);
    return this.append(KIND.checkpoint, CheckpointContentSchema as AnySchema, prepared, [['r', String(prepared.commit)]], [], opts);
  }

  error(content: ErrorInput, opts: WriteOptions = {}): Written {
    const prepared = prepare(ErrorContentSchema as AnySchema, content, this.options.redact);
    return this.append(KIND.error, ErrorContentSchema as AnySchema, prepared, [], [], opts);
  }

  /** The last event of the chain; the writer refuses anything after it. */
  end(content: SessionEndInput, opts: WriteOptions = {}): Written {
    const prepared = prepare(SessionEndContentSchema as AnySchema, content, this.options.redact);
    const written = this.append(KIND.sessionEnd, SessionEndContentSchema as AnySchema, prepared, [], [], opts);
    this.ended_ = true;
    return written;
  }

  private append(kind: number, schema: AnySchema, content: Record<string, unknown>, kindTags: string[][], blobs: EventBlob[], opts: WriteOptions): Written {
    if (this.ended_) {
      throw new KilnEventError('session-ended', 'This session has ended; no more events can be added to it.', 'Start a new session.');
    }
    const seq = this.position_.lastSeq + 1;
    const written = signDraft(this.signer, schema, {
      kind, createdAt: seconds(this.options.now),
      baseTags: [['E', this.position_.startId], ['e', this.position_.lastId], ['seq', String(seq)], ...kindTags],
      extraTags: prepareTags(opts.tags, this.options.redact), content, blobs,
    });
    // Only a signed event moves the chain on: a failure above leaves the writer where it was.
    this.position_ = { startId: this.position_.startId, lastId: written.event.id, lastSeq: seq };
    return written;
  }
}

/** Clean → validate (dropping unknown keys and writer-only fields) → redact. */
function prepare(schema: AnySchema, input: unknown, redact: Redactor | undefined): Record<string, unknown> {
  const parsed = schema.safeParse(cleanValue(input));
  if (!parsed.success) {
    throw new KilnEventError('invalid-content', `The event content is not valid${describeIssue(parsed.error)}.`, 'Fix the value passed to the session writer.');
  }
  const data: Record<string, unknown> = { ...parsed.data };
  for (const key of CONTENT_META_KEYS) delete data[key];
  return (redact ? redactValue(data, redact) : data) as Record<string, unknown>;
}

function prepareTags(tags: string[][] | undefined, redact: Redactor | undefined): string[][] {
  if (!Array.isArray(tags)) return [];
  return tags
    .filter((t) => Array.isArray(t) && t.length > 0)
    .map((t) => t.map((v) => {
      const clean = cleanText(String(v));
      return redact ? redact(clean) : clean;
    }));
}

/** A diff over MAX_INLINE_DIFF_BYTES leaves the content for a blob; a count of lines stays. */
function moveLargeDiff(content: Record<string, unknown>): EventBlob[] {
  const diff = content.diff;
  if (typeof diff !== 'string' || utf8Length(diff) <= MAX_INLINE_DIFF_BYTES) return [];
  const blob = textBlob(diff, DIFF_MIME);
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) added++;
    else if (line.startsWith('-') && !line.startsWith('---')) removed++;
  }
  delete content.diff;
  content.blob = blob.sha256;
  content.summary = `Diff of ${blob.size} bytes (+${added} −${removed} lines) is in blob ${blob.sha256}.`;
  return [blob];
}

function signDraft(signer: Signer, schema: AnySchema, draft: Draft): Written {
  const { template, blobs } = fitEvent(draft, signer.pubkey);
  // Self-check: what we sign must parse back as its kind's content (e.g. redaction must not
  // have broken a hash field), or a reader would reject our own receipt.
  if (!schema.safeParse(JSON.parse(template.content)).success) {
    throw new KilnEventError('internal', 'The event content no longer matched its schema after cleaning and redaction.', 'Report this as a bug in Kiln.');
  }
  return { event: plainEvent(signer.sign(template)), blobs };
}

function seconds(now: (() => number) | undefined): number {
  return Math.floor((now ?? Date.now)() / 1000);
}
