// The recipes.* operations of the bridge contract, answered by RecipeService (spread into
// createHandlers). Dropped files arrive as base64 and are checked with a folder's limits before
// anything is kept; a session start goes through SessionManager.create like `kiln up --recipe`.
import { join } from 'node:path';
import { pushMessage, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import type { RecipeFile, RecipeHash } from '../../src-shared/recipe/hash';
import { RecipeService } from '../recipes/service';
import { REPO_ROOT, type AppServices } from '../services';

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

export function recipeHandlers(
  services: Pick<AppServices, 'sessions'>,
  push: (msg: WireMessage) => void = () => undefined,
  builtinDir = join(REPO_ROOT, 'resources', 'recipes'),
): Handlers {
  const recipes = new RecipeService({ kilnHome: services.sessions.paths.home, sessionsDir: services.sessions.paths.sessions, builtinDir });
  return {
    'recipes.list': () => recipes.list(),
    'recipes.get': ({ hash }) => recipes.get(hash as RecipeHash),
    'recipes.import': async ({ source }) => {
      const input = decode(source);
      return typeof input === 'string' ? recipes.importPath(input) : recipes.import(input);
    },
    'recipes.validate': ({ source }) => recipes.validate(decode(source)),
    'recipes.save': ({ session, dir }) => recipes.save(session, dir),
    'recipes.fork': ({ source, dir, name }) => recipes.fork(source, dir, name ? { name } : {}),
    // A recipe with a Dockerfile builds its image first: its steps go out on `progress` under `task`.
    'recipes.start': ({ recipe, name, workspace, task }) =>
      services.sessions.create({
        recipe,
        ...(name ? { name } : {}),
        ...(workspace ? { workspace } : {}),
        ...(task ? { onProgress: (p) => p.kind !== 'log' && push(pushMessage('progress', { task, message: p.text })) } : {}),
      }),
  };
}
