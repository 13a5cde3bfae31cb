// The JSON content of each Kiln event: zod schemas (validated on build and on parse) and the
// types the recorder and the UI share. Hash-like fields have strict shapes, so they stay
// short; free text may be any length (the writer moves what is too big into a blob).
import { z } from 'zod';

export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters (sha256)');
/** A git object id: sha1 (40 hex) or sha256 (64 hex). */
export const CommitSchema = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a git commit id (40 or 64 hex)');
export const RecipeHashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 hex characters');
export const PubkeySchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex public key');

/**
 * Fields the writer adds when it had to change what it was given:
 * - blob: sha256 of a blob holding what moved out (a file action's diff, or — when
 *   `shortened` — the whole original content as JSON)
 * - summary: a sentence about what moved out
 * - shortened: strings/lists in this content were cut to fit the event size limit
 * - tagsDropped: how many extra tags were left off to respect the tag limit
 */
const meta = {
  blob: Sha256HexSchema.optional(),
  summary: z.string().optional(),
  shortened: z.literal(true).optional(),
  tagsDropped: z.number().int().positive().optional(),
};
export const CONTENT_META_KEYS = ['blob', 'summary', 'shortened', 'tagsDropped'] as const;
export type ContentMetaKey = (typeof CONTENT_META_KEYS)[number];

export const SessionStartContentSchema = z.object({
  agent: z.string(),
  model: z.string(),
  recipe: RecipeHashSchema.optional(),
  workspace: z.string(),
  environment: z.record(z.string(), z.string()),
  ...meta,
});

export const FileActionSchema = z.object({
  type: z.literal('file'),
  path: z.string(),
  change: z.enum(['added', 'modified', 'deleted', 'renamed']),
  /** The old path of a rename. */
  from: z.string().optional(),
  /** Unified diff; inline only when ≤ MAX_INLINE_DIFF_BYTES, else in `blob`. */
  diff: z.string().optional(),
  binary: z.boolean().optional(),
  size: z.number().int().nonnegative().optional(),
  /** Content hash of the new file. */
  sha256: Sha256HexSchema.optional(),
  /** Git blob id of the new content in the checkpoint repository (binary files are known by it). */
  oid: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a git object id').optional(),
  checkpoint: CommitSchema.optional(),
  ...meta,
});

/**
 * All the files one action changed, in one receipt (receipts scale with actions, not files): up
 * to a budget each file carries its diff inline; past it, files are listed without diffs, and
 * past the event size the list itself moves to `blob`. A file's full diff is always available
 * on demand from the checkpoint (`timeline.diff`). `cause` is the id of the command or tool
 * receipt that made the change, when known.
 */
export const ChangedFileSchema = FileActionSchema.omit({ type: true, checkpoint: true, blob: true, summary: true, shortened: true, tagsDropped: true });
export const ChangesActionSchema = z.object({
  type: z.literal('changes'),
  files: z.array(ChangedFileSchema),
  /** How many files changed in all (files.length may be fewer: the rest are in the checkpoint). */
  total: z.number().int().nonnegative(),
  checkpoint: CommitSchema.optional(),
  /** The checkpoint the changes are measured from. */
  parent: CommitSchema.optional(),
  cause: z.string().optional(),
  ...meta,
});

export const CommandActionSchema = z.object({
  type: z.literal('command'),
  command: z.string(),
  cwd: z.string().optional(),
  exitCode: z.number().int().optional(),
  durationMs: z.number().nonnegative().optional(),
  checkpoint: CommitSchema.optional(),
  ...meta,
});

export const ToolActionSchema = z.object({
  type: z.literal('tool'),
  agent: z.string(),
  tool: z.string(),
  phase: z.enum(['before', 'after']),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  ok: z.boolean().optional(),
  checkpoint: CommitSchema.optional(),
  ...meta,
});

export const MessageActionSchema = z.object({
  type: z.literal('message'),
  from: z.string(),
  to: z.string().optional(),
  text: z.string(),
  ...meta,
});

export const GitActionSchema = z.object({
  type: z.literal('git'),
  operation: z.string(),
  detail: z.string().optional(),
  ...meta,
});

export const ActionContentSchema = z.discriminatedUnion('type', [
  FileActionSchema, ChangesActionSchema, CommandActionSchema, ToolActionSchema, MessageActionSchema, GitActionSchema,
]);

export const CHECKPOINT_REASONS = ['start', 'pre-command', 'pre-tool', 'watcher', 'manual', 'undo', 'rescan'] as const;
export const CheckpointContentSchema = z.object({
  commit: CommitSchema,
  parent: CommitSchema.optional(),
  /** Files changed since the parent checkpoint. */
  files: z.number().int().nonnegative(),
  reason: z.enum(CHECKPOINT_REASONS),
  ms: z.number().nonnegative().optional(),
  ...meta,
});

export const ErrorContentSchema = z.object({
  what: z.string(),
  attempted: z.string().optional(),
  code: z.string().optional(),
  ...meta,
});

export const SessionEndContentSchema = z.object({
  durationMs: z.number().nonnegative(),
  actions: z.number().int().nonnegative(),
  outcome: z.enum(['stopped', 'completed', 'crashed']),
  ...meta,
});

export type SessionStartContent = z.infer<typeof SessionStartContentSchema>;
export type FileAction = z.infer<typeof FileActionSchema>;
export type ChangedFile = z.infer<typeof ChangedFileSchema>;
export type ChangesAction = z.infer<typeof ChangesActionSchema>;
export type CommandAction = z.infer<typeof CommandActionSchema>;
export type ToolAction = z.infer<typeof ToolActionSchema>;
export type MessageAction = z.infer<typeof MessageActionSchema>;
export type GitAction = z.infer<typeof GitActionSchema>;
export type ActionContent = z.infer<typeof ActionContentSchema>;
export type CheckpointContent = z.infer<typeof CheckpointContentSchema>;
export type ErrorContent = z.infer<typeof ErrorContentSchema>;
export type SessionEndContent = z.infer<typeof SessionEndContentSchema>;

/** What callers pass to the writer: the content without the fields the writer sets. */
export type InputOf<T> = T extends unknown ? Omit<T, ContentMetaKey> : never;
export type SessionStartInput = InputOf<SessionStartContent>;
export type ActionInput = InputOf<ActionContent>;
export type CheckpointInput = InputOf<CheckpointContent>;
export type ErrorInput = InputOf<ErrorContent>;
export type SessionEndInput = InputOf<SessionEndContent>;
