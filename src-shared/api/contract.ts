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
  /** Agents of the session (each gets a terminal tab), e.g. ['opencode']. */
  agents: z.array(z.string()).optional(),
  model: z.string().optional(),
  /** Why a session is broken, with the step that fixes it. */
  problem: KilnErrorSchema.optional(),
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

/** What an undo (or redo) to a checkpoint would change in the workspace, listed before anything moves. */
export const UndoPreviewSchema = z.object({
  checkpoint: z.string(),
  added: z.array(z.string()),
  modified: z.array(z.string()),
  deleted: z.array(z.string()),
  /** True when the lists were cut (they hold at most 1,000 paths each). */
  truncated: z.boolean(),
});

export const ModelsStatusSchema = z.object({
  /** A native Ollama on the host, when one answers. */
  host: z.object({ url: z.string(), version: z.string(), models: z.array(z.object({ name: z.string(), size: z.number() })) }).optional(),
  /** Kiln's Ollama container (the official ollama/ollama image; one models volume for every session). */
  container: z.object({ state: z.enum(['absent', 'stopped', 'running']), url: z.string().optional(), models: z.array(z.object({ name: z.string(), size: z.number() })) }),
  /** The model sessions get when a recipe names none, with its download size (shown before a pull). */
  default: z.object({ name: z.string(), label: z.string(), approxBytes: z.number(), present: z.boolean() }),
  /** Which Ollama sessions use now: the host's, the container's, or none yet (cloud keys only). */
  active: z.enum(['host', 'container', 'cloud', 'none']),
  /** Cloud providers and whether a key is kept for each (never the key itself). */
  keys: z.array(z.object({ provider: z.string(), label: z.string(), set: z.boolean(), hint: z.string().optional() })),
});
export type ModelsStatus = z.infer<typeof ModelsStatusSchema>;

/** What this host can do, so the window hides what it cannot (the all-in-one container runs one session, itself, and no engine). */
export const CapabilitiesSchema = z.object({
  stopSessions: z.boolean(),
  removeSessions: z.boolean(),
  /** Run Ollama in a container on the engine ("Start a local model"). */
  localModelContainer: z.boolean(),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

export const SettingsSchema = z.object({
  /** Where new workspaces go (default ~/Kiln). */
  workspacesDir: z.string(),
  /** The model new sessions get when a recipe names none (empty: Kiln's default). */
  defaultModel: z.string(),
  theme: z.enum(['system', 'light', 'dark']),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const TerminalInfoSchema = z.object({
  terminal: z.string(),
  session: SessionId,
  /** 'shell', or the agent this tab runs (e.g. 'opencode'). */
  kind: z.string(),
  title: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  exited: z.boolean(),
});

export const TerminalKindSchema = z.object({
  /** 'shell', 'opencode', 'claude-code', 'codex', 'gemini-cli'. */
  kind: z.string(),
  /** Its name on a tab and in the "New tab" menu. */
  title: z.string(),
  /** False: installed into the shared agents volume when first opened (once, for every session). */
  installed: z.boolean(),
  /** Why it cannot be opened here, with the next step (then it is shown, disabled). */
  unavailable: KilnErrorSchema.optional(),
});

const ProgressTask = z.string().min(1).max(200).optional();

// ── Recipes (issue 9) ─────────────────────────────────────────────────────────────────────────
// The gallery's cards, import from any source (a folder path, a git URL `<url>[#ref][:subdir]`, a
// kiln://recipe?url=… link, a library hash, or files dropped on the window), validation with
// every problem by file and JSON path, save a session as a recipe, fork, and start a session.
// Problems have the shape of src-shared/recipe/problems.ts (RecipeProblem).
export const RecipeProblemSchema = z.object({ code: z.string(), file: z.string().optional(), path: z.string(), message: z.string() });
const RecipeHashString = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a recipe hash is "sha256:" and 64 hex digits');
export const RecipeOriginSchema = z.object({
  kind: z.enum(['builtin', 'folder', 'git', 'link', 'dropped', 'import', 'session']),
  source: z.string().optional(),
  /** git and links: the commit the ref resolved to (the recipe is pinned to it). */
  commit: z.string().optional(),
  ref: z.string().optional(),
  subdir: z.string().optional(),
  addedAt: z.string(),
});
export const RecipeCardSchema = z.object({
  hash: RecipeHashString,
  /** First 12 hex digits of the hash, for the card. */
  short: z.string(),
  name: z.string(),
  description: z.string(),
  author: z.string().optional(),
  version: z.string(),
  parent: RecipeHashString.optional(),
  /** Lineage: the parent's name when this machine has it ("forked from …"). */
  parentName: z.string().optional(),
  agents: z.array(z.object({ id: z.string(), agent: z.string(), role: z.string().optional(), model: z.string() })),
  models: z.array(z.object({ id: z.string(), provider: z.string(), model: z.string() })),
  tags: z.array(z.string()),
  builtin: z.boolean(),
  origin: RecipeOriginSchema.optional(),
});
export type RecipeCardShape = z.infer<typeof RecipeCardSchema>;
const ImportItemSchema = z.object({ what: z.string(), detail: z.string() });
export const ImportReportSchema = z.object({ sources: z.array(z.string()), mapped: z.array(ImportItemSchema), notes: z.array(ImportItemSchema), refused: z.array(ImportItemSchema) });
/** Files of a folder dropped on the window: relative POSIX paths, bytes as base64; the host checks them with a folder's limits. */
export const DroppedFilesSchema = z.object({
  files: z.array(z.object({ path: z.string().min(1).max(1024), content: z.string() })).max(2000),
  /** The dropped folder's name, for the origin. */
  name: z.string().max(255).optional(),
});
/** A folder path, git URL, kiln:// link or library hash — or dropped files. */
export const RecipeSourceSchema = z.union([z.string().min(1).max(4096), DroppedFilesSchema]);
const recipeRequests = {
  /** Built-in and imported recipes, as gallery cards. */
  'recipes.list': { input: z.object({}), output: z.array(RecipeCardSchema) },
  'recipes.get': { input: z.object({ hash: RecipeHashString }), output: RecipeCardSchema.extend({ files: z.array(z.string()) }) },
  /**
   * Into the library when valid (nothing is kept otherwise). A path to a devcontainer.json, agent
   * files, AGENTS.md or environment.json becomes a new recipe with `report` (mapped/notes/refused).
   */
  'recipes.import': {
    input: z.object({ source: RecipeSourceSchema }),
    output: z.object({ card: RecipeCardSchema.optional(), problems: z.array(RecipeProblemSchema), report: ImportReportSchema.optional(), dir: z.string().optional() }),
  },
  /** Every problem at once; nothing is copied. */
  'recipes.validate': { input: z.object({ source: RecipeSourceSchema }), output: z.object({ ok: z.boolean(), hash: RecipeHashString.optional(), errors: z.array(RecipeProblemSchema) }) },
  /** "Save as recipe": a session's setup into a new folder (same hash as the recipe it ran). */
  'recipes.save': { input: z.object({ session: SessionId, dir: z.string().min(1) }), output: z.object({ dir: z.string(), hash: RecipeHashString }) },
  /** "Fork": a copy with `parent` = the source's hash. */
  'recipes.fork': {
    input: z.object({ source: z.string().min(1), dir: z.string().min(1), name: z.string().optional() }),
    output: z.object({ dir: z.string(), hash: RecipeHashString, parent: RecipeHashString }),
  },
  /** Start a session with a recipe (a library hash from a card, or any source string); notes say what fell back; a recipe image's build steps arrive on `progress` under `task`. */
  'recipes.start': {
    input: z.object({ recipe: z.string().min(1), name: z.string().optional(), workspace: z.string().optional(), task: ProgressTask }),
    output: SessionSummarySchema.extend({ notes: z.array(z.string()).optional() }),
  },
} as const;
// ── end of recipes ────────────────────────────────────────────────────────────────────────────

/** Request/response operations. Names are `area.verb`. */
export const requests = {
  'app.info': {
    input: z.object({}),
    output: z.object({
      name: z.string(),
      version: z.string(),
      mode: z.enum(['electron', 'web', 'cli', 'all-in-one']),
      /** The host's platform (what to install where): 'darwin', 'linux', 'win32'. */
      platform: z.string().optional(),
      /** False when the record lives only as long as this container (all-in-one without a state volume). */
      persistent: z.boolean().optional(),
      capabilities: CapabilitiesSchema,
    }),
  },
  'engine.status': { input: z.object({}), output: EngineStatusSchema },
  /** The runtime image: present, or being built (progress on task `image.build`). */
  'image.status': { input: z.object({}), output: z.object({ tag: z.string(), present: z.boolean(), building: z.boolean() }) },
  /** Build the runtime image when it is missing; progress on the `progress` stream, task `image.build`. */
  'image.ensure': { input: z.object({}), output: z.object({ tag: z.string(), built: z.boolean() }) },
  'models.status': { input: z.object({}), output: ModelsStatusSchema },
  /** Run Ollama in a container (127.0.0.1 only; a models volume shared by every session). */
  'models.startLocal': { input: z.object({}), output: z.object({ url: z.string() }) },
  /** Pull a model into the Ollama Kiln uses; progress arrives on the `progress` stream (task `models.pull:NAME`). Resumable: a second pull continues. */
  'models.pull': {
    input: z.object({ name: z.string().min(1), host: z.string().url().optional() }),
    output: z.object({ name: z.string(), completed: z.number(), total: z.number() }),
  },
  /** Keep a cloud API key on the host (never sent back in full). */
  'keys.set': { input: z.object({ provider: z.string().min(1).max(40), key: z.string().min(8).max(400) }), output: z.object({ provider: z.string(), set: z.literal(true), hint: z.string() }) },
  'keys.clear': { input: z.object({ provider: z.string().min(1).max(40) }), output: z.object({ provider: z.string(), set: z.literal(false) }) },
  'settings.get': { input: z.object({}), output: SettingsSchema },
  'settings.set': { input: SettingsSchema.partial(), output: SettingsSchema },
  'sessions.list': { input: z.object({}), output: z.array(SessionSummarySchema) },
  /** Start a session; steps arrive on the `progress` stream under `task` when given. */
  'sessions.create': {
    input: z.object({ name: z.string().optional(), workspace: z.string().optional(), recipe: z.string().optional(), task: ProgressTask }),
    output: SessionSummarySchema.extend({ notes: z.array(z.string()).optional() }),
  },
  'sessions.stop': { input: z.object({ id: SessionId }), output: SessionSummarySchema },
  'sessions.resume': { input: z.object({ id: SessionId }), output: SessionSummarySchema },
  /** Containers and record go; the workspace folder is kept. */
  'sessions.remove': { input: z.object({ id: SessionId }), output: z.object({ removed: z.literal(true) }) },
  /**
   * Stored events in chain order: the newest `limit` (≤ 5000), or the `limit` before `before` (the
   * `cursor` of an earlier answer); `more` says older ones remain, to be asked with `cursor`.
   */
  'timeline.query': {
    input: z.object({
      id: SessionId,
      kinds: z.array(z.number().int()).optional(),
      limit: z.number().int().positive().max(5000).optional(),
      before: z.string().max(200).optional(),
    }),
    output: z.object({ events: z.array(NostrEventSchema), more: z.boolean(), cursor: z.string().optional() }),
  },
  /** Live events of a session on the `timeline.event` stream until unsubscribed or the client goes. */
  'timeline.subscribe': { input: z.object({ id: SessionId }), output: z.object({ subscription: z.string() }) },
  'timeline.unsubscribe': { input: z.object({ subscription: z.string() }), output: z.object({}) },
  'timeline.checkpoints': { input: z.object({ id: SessionId }), output: z.array(CheckpointSummarySchema) },
  /** Every signature and link of the session's chains. */
  'timeline.verify': {
    input: z.object({ id: SessionId }),
    output: z.object({ events: z.number().int(), valid: z.boolean(), problems: z.array(z.object({ code: z.string(), message: z.string(), id: z.string().optional(), seq: z.number().int().optional() })) }),
  },
  /** A blob the recorder holds (a diff or content too big for its event), as text when it is text. */
  'timeline.blob': {
    input: z.object({ id: SessionId, sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    output: z.object({ sha256: z.string(), size: z.number().int(), text: z.string().optional(), binary: z.boolean() }),
  },
  /** One file's diff at a checkpoint (against its parent), fetched when the timeline opens it. */
  'timeline.diff': {
    input: z.object({ id: SessionId, commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/), path: z.string().min(1) }),
    output: z.object({ path: z.string(), diff: z.string().optional(), binary: z.boolean(), size: z.number().int().optional(), oid: z.string().optional() }),
  },
  /** What undo to `checkpoint` would change, before anything moves. */
  'timeline.undoPreview': { input: z.object({ id: SessionId, checkpoint: z.string() }), output: UndoPreviewSchema },
  /** Restore a checkpoint (default: before the last action). `before` is the checkpoint of the present: undo to it is the redo. */
  'timeline.undo': {
    input: z.object({ id: SessionId, checkpoint: z.string().optional() }),
    output: z.object({ restored: z.string(), before: z.string(), changed: z.number().int(), ms: z.number() }),
  },
  /**
   * A terminal in the session's workspace: `kind` 'shell' or an agent name (its tab runs that
   * agent, installed on first use and configured for the session's model; those steps arrive on
   * the `progress` stream under `task` when given). With `attach`, reattach to a terminal that is still open (after a reload or a
   * reconnect): `replay` holds its recent screen output to write first.
   */
  'terminal.open': {
    input: z.object({ id: SessionId, kind: z.string().min(1).max(40).optional(), attach: z.string().optional(), cols: z.number().int().positive(), rows: z.number().int().positive(), task: ProgressTask }),
    output: z.object({ terminal: z.string(), replay: z.string().optional() }),
  },
  /**
   * What a new terminal tab of the session can run: 'shell' and every agent Kiln supports, each
   * with its name and whether it is ready (an agent not yet installed installs on first open,
   * its steps on the `progress` stream under terminal.open's `task`).
   */
  'terminal.kinds': { input: z.object({ id: SessionId }), output: z.array(TerminalKindSchema) },
  /** The session's open terminals (a reloaded page reattaches to them). */
  'terminal.list': { input: z.object({ id: SessionId }), output: z.array(TerminalInfoSchema) },
  'terminal.write': { input: z.object({ terminal: z.string(), data: z.string() }), output: z.object({}) },
  'terminal.resize': {
    input: z.object({ terminal: z.string(), cols: z.number().int().positive(), rows: z.number().int().positive() }),
    output: z.object({}),
  },
  /** Flow control: the renderer acknowledges bytes once xterm has written them. */
  'terminal.ack': { input: z.object({ terminal: z.string(), bytes: z.number().int().nonnegative() }), output: z.object({}) },
  'terminal.close': { input: z.object({ terminal: z.string() }), output: z.object({}) },
  ...recipeRequests,
} as const;

/** Host → client pushes. Each stream is keyed by a topic string the client subscribes to. */
export const streams = {
  'terminal.data': z.object({ terminal: z.string(), data: z.string() }),
  'terminal.exit': z.object({ terminal: z.string(), exitCode: z.number().int().nullable() }),
  'timeline.event': z.object({ id: SessionId, subscription: z.string().optional(), event: NostrEventSchema }),
  /** The session list changed (created, stopped, resumed, removed, broke). */
  'sessions.changed': z.object({ sessions: z.array(SessionSummarySchema) }),
  'progress': z.object({ task: z.string(), message: z.string(), current: z.number().optional(), total: z.number().optional(), done: z.boolean().optional() }),
  /** Desktop app: a kiln:// link it was opened with, checked in main — the recipe to show as a card (never started by itself), or why the link was refused. */
  'app.openLink': z.union([
    z.object({ url: z.string().url(), ref: z.string().optional(), subdir: z.string().optional() }),
    z.object({ error: KilnErrorSchema }),
  ]),
} as const;

export const contract = { requests, streams } as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;
export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamPayload<N extends StreamName> = z.output<Streams[N]>;
