// Read-only endpoints the window opens on demand, behind the session token (/api/*):
//   GET /api/blob/<sha256>                       a blob the store holds (big diffs, binary files)
//   GET /api/diff?commit=<40 hex>&path=<path>    one file's diff at a checkpoint, against its parent
//   GET /api/undo/preview?checkpoint=<id|commit> what undo to that checkpoint would change
// They read the blob store and the shadow checkpoint repository and never write either.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ObjectStore, MODE_TREE } from './checkpoints/objects';
import { diffTrees } from './checkpoints/restore';
import { REF } from './checkpoints/store';
import { isBinary, unifiedDiff } from './checkpoints/text-diff';
import type { EventStore } from './store';

const run = promisify(execFile);
/** Text sent inline at most; bigger blobs answer with their size only. */
const MAX_TEXT = 4 * 1024 * 1024;
/** Paths listed per kind in a preview. */
const MAX_PATHS = 1000;

type Route = (req: unknown, url: URL, body: Buffer) => Promise<unknown>;

class InspectError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

export interface InspectOptions {
  store: EventStore;
  /** Default: $KILN_STATE_DIR/checkpoints.git, where main.ts opens the checkpoint store. */
  gitDir?: string;
}

/** The route for a request key like http-api's ("GET /api/diff"), or undefined when it is not ours. */
export function inspectRoute(opts: InspectOptions): (key: string) => Route | undefined {
  const gitDir = opts.gitDir ?? path.join(process.env.KILN_STATE_DIR ?? '/state', 'checkpoints.git');
  let objects: ObjectStore | undefined;
  const git = () => (objects ??= new ObjectStore(gitDir));

  const blob: Route = async (_req, url) => {
    const sha = url.pathname.slice('/api/blob/'.length).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new InspectError(400, 'bad-request', 'A blob is named by its sha256 (64 hex digits).');
    const b = opts.store.getBlob(sha);
    if (!b) throw new InspectError(404, 'unknown-blob', `No blob ${sha} in this session.`);
    const binary = isBinary(b.data);
    return { sha256: b.sha256, size: b.size, mime: b.mime, binary, ...(!binary && b.size <= MAX_TEXT ? { text: b.data.toString('utf8') } : {}) };
  };

  const routes: Record<string, Route> = {
    'GET /api/diff': async (_req, url) => {
      const commit = url.searchParams.get('commit') ?? '';
      const file = url.searchParams.get('path') ?? '';
      if (!/^[0-9a-f]{40}$/.test(commit) || !file || file.split('/').includes('..')) {
        throw new InspectError(400, 'bad-request', 'Give commit=<40 hex digits> and path=<a path in the workspace>.');
      }
      const info = await readCommit(git(), commit);
      const after = await fileAt(git(), info.tree, file);
      const before = info.parent ? await fileAt(git(), (await git().readCommit(info.parent)).tree, file) : undefined;
      const [a, b] = await Promise.all([before ? git().readBlob(before) : null, after ? git().readBlob(after) : null]);
      const binary = (a !== null && isBinary(a)) || (b !== null && isBinary(b));
      const diff = binary ? null : unifiedDiff(file, a, b);
      return { path: file, binary, ...(diff ? { diff } : {}), ...(b ? { size: b.length } : a ? { size: a.length } : {}), ...(after ? { oid: after } : {}) };
    },
    'GET /api/undo/preview': async (_req, url) => {
      const ref = url.searchParams.get('checkpoint') ?? '';
      if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(ref)) throw new InspectError(400, 'bad-request', 'A checkpoint is a 64-hex event id or a 40-hex commit.');
      const target = ref.length === 40 ? ref : checkpointCommit(opts.store, ref);
      const head = await headCommit(gitDir);
      const [to, from] = await Promise.all([readCommit(git(), target), head ? git().readCommit(head) : null]);
      // The present is the newest checkpoint: undo takes one of the present first, so what the
      // watcher has not committed yet is listed after that checkpoint, not here.
      const changes = await diffTrees(git(), from?.tree ?? null, to.tree);
      const added: string[] = [];
      const modified: string[] = [];
      const deleted: string[] = [];
      for (const c of changes.sort((x, y) => (x.path < y.path ? -1 : 1))) {
        const list = c.from && c.to ? modified : c.to ? added : deleted;
        list.push(c.path);
      }
      const truncated = added.length > MAX_PATHS || modified.length > MAX_PATHS || deleted.length > MAX_PATHS;
      return { checkpoint: target, added: added.slice(0, MAX_PATHS), modified: modified.slice(0, MAX_PATHS), deleted: deleted.slice(0, MAX_PATHS), truncated };
    },
  };
  return (key) => (key.startsWith('GET /api/blob/') ? blob : routes[key]);
}

function checkpointCommit(store: EventStore, id: string): string {
  const [ev] = store.query({ ids: [id], kinds: [4602] });
  const commit = ev?.tags.find((t) => t[0] === 'r')?.[1];
  if (!commit) throw new InspectError(404, 'unknown-checkpoint', `No checkpoint event ${id} in this session.`, 'List them with `kiln checkpoints SESSION`.');
  return commit;
}

async function readCommit(objects: ObjectStore, commit: string) {
  try {
    return await objects.readCommit(commit);
  } catch {
    throw new InspectError(404, 'unknown-checkpoint', `No checkpoint ${commit} in this session.`, 'List them with `kiln checkpoints SESSION`.');
  }
}

async function headCommit(gitDir: string): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', REF]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** The blob id of a file in a tree, or undefined. */
async function fileAt(objects: ObjectStore, tree: string, file: string): Promise<string | undefined> {
  const parts = file.split('/').filter(Boolean);
  let current = tree;
  for (const [i, name] of parts.entries()) {
    const entry = (await objects.readTree(current)).find((e) => e.name === name);
    if (!entry) return undefined;
    if (i === parts.length - 1) return entry.mode === MODE_TREE ? undefined : entry.oid;
    if (entry.mode !== MODE_TREE) return undefined;
    current = entry.oid;
  }
  return undefined;
}
