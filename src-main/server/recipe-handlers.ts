// The recipes.* operations of the bridge contract, answered by RecipeService (spread into
// createHandlers). Dropped files arrive as base64 and are checked with a folder's limits before
// anything is kept; a session start goes through SessionManager.create like `kiln up --recipe`.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pushMessage, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import type { RecipeFile, RecipeHash } from '../../src-shared/recipe/hash';
import { RecipeService } from '../recipes/service';
import { REPO_ROOT, type SessionsService } from '../services';
import type { KilnPaths } from '../sessions/paths';

const decode = (source: string | { files: { path: string; content: string }[]; name?: string }) =>
  typeof source === 'string'
    ? source
    : {
        files: source.files.map((f): RecipeFile => {
          const b = Buffer.from(f.content, 'base64');
          return { path: f.path, bytes: new Uint8Array(b.buffer, b.byteOffset, b.length) };
        }),
        ...(source.name ? { name: source.name } : {}),
      };

/**
 * `paths` says where recipes live (KILN_HOME) without an engine; `sessions` is asked only to start
 * one, so the gallery works while no engine answers (web mode's first run).
 */
/** The window offers "~/Kiln/recipes/<name>"; without this it became a folder named "~" under the cwd. */
const expandHome = (dir: string): string => (dir === '~' ? homedir() : dir.startsWith('~/') ? join(homedir(), dir.slice(2)) : dir);

export function recipeHandlers(
  deps: { paths: () => KilnPaths; sessions: () => Promise<SessionsService>; push?: (msg: WireMessage) => void },
  builtinDir = join(REPO_ROOT, 'resources', 'recipes'),
): Handlers {
  let made: { home: string; service: RecipeService } | undefined;
  const service = (): RecipeService => {
    const p = deps.paths();
    if (made?.home !== p.home) made = { home: p.home, service: new RecipeService({ kilnHome: p.home, sessionsDir: p.sessions, builtinDir }) };
    return made.service;
  };
  return {
    'recipes.list': () => service().list(),
    'recipes.get': ({ hash }) => service().get(hash as RecipeHash),
    'recipes.import': async ({ source }) => {
      const input = decode(source);
      return typeof input === 'string' ? service().importPath(input) : service().import(input);
    },
    'recipes.validate': ({ source }) => service().validate(decode(source)),
    'recipes.save': ({ session, dir }) => service().save(session, expandHome(dir)),
    'recipes.fork': ({ source, dir, name }) => service().fork(source, expandHome(dir), name ? { name } : {}),
    // A recipe with a Dockerfile builds its image first: its steps go out on `progress` under `task`.
    'recipes.start': async ({ recipe, name, workspace, task }) =>
      (await deps.sessions()).create({
        recipe,
        ...(name ? { name } : {}),
        ...(workspace ? { workspace } : {}),
        ...(task && deps.push ? { onBuildProgress: (p) => p.kind !== 'log' && deps.push?.(pushMessage('progress', { task, message: p.text })) } : {}),
      }),
  };
}
