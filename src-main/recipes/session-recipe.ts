// A recipe for a new session: opened and checked before anything of the session exists (an
// invalid recipe starts nothing), then placed into the agents' HOME once the workspace container
// runs. SessionManager.create calls prepareSessionRecipe once; nothing else of it knows recipes.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { AGENTS_FILE } from '../../src-shared/recipe/check';
import type { RecipeHash } from '../../src-shared/recipe/hash';
import type { ModelsConfig, Recipe } from '../../src-shared/recipe/schema';
import { writeHomeFiles } from '../agents/home-files';
import { agentEndpoint, type AgentModelEndpoint } from '../models/agent-endpoint';
import { detectHostOllama, type HostOllama } from '../models/host-ollama';
import { resolveModels } from '../models/resolve';
import type { BuildProgress } from '../engine/images';
import { placeRecipe } from './apply';
import { ensureRecipeImage, RECIPE_DOCKERFILE } from './image';
import type { RecipeOrigin } from './library';
import { invalidRecipe, openRecipe } from './open';

export interface SessionRecipe {
  hash: RecipeHash;
  recipe: Recipe;
  models?: ModelsConfig;
  origin: RecipeOrigin;
  dir: string;
  /** Sentences for the person: where the recipe came from, models that fell back. */
  notes: string[];
  /** Writes every agent's role where it reads it; returns further notes. */
  place(container: Dockerode.Container, sessionEndpoint: AgentModelEndpoint): Promise<string[]>;
}

export interface PrepareOptions {
  kilnHome: string;
  detect?: () => Promise<HostOllama>;
  /** For a recipe with a Dockerfile: where to build its image, on which runtime image. */
  docker?: Dockerode;
  runtimeImage?: string;
  labels?: Record<string, string>;
  onProgress?: (p: BuildProgress) => void;
}

export async function prepareSessionRecipe(source: string, opts: PrepareOptions): Promise<SessionRecipe> {
  const opened = await openRecipe(source, { kilnHome: opts.kilnHome });
  if (!opened.ok) throw invalidRecipe(source, opened.problems);
  const { check, origin, dir } = opened;
  const notes: string[] = [];
  if (origin.commit) notes.push(`Recipe ${check.recipe.name} (${check.hash.slice(0, 19)}…) from ${origin.source} at commit ${origin.commit}.`);

  if (check.files.includes(RECIPE_DOCKERFILE) && opts.docker && opts.runtimeImage) {
    const image = await ensureRecipeImage({ docker: opts.docker, hash: check.hash, dir, files: check.files, runtimeImage: opts.runtimeImage, ...(opts.labels ? { labels: opts.labels } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
    notes.push(image.built ? `Built the recipe's image ${image.tag} from its Dockerfile.` : `The recipe's image ${image.tag} was already built; reused it.`);
  }

  const host = await (opts.detect ?? (() => detectHostOllama({ timeoutMs: 1500 })))();
  const resolved = resolveModels(check.models, { ollamaModels: host.found ? host.models.map((m) => m.name) : [], keys: [] }, check.recipe.agents);
  const endpoints: Record<string, AgentModelEndpoint> = {};
  for (const [id, r] of Object.entries(resolved.agents)) {
    endpoints[id] = agentEndpoint(r, host.found ? { ollamaUrl: host.url } : {});
    if (r.note && r !== resolved.default) notes.push(`Agent ${id}: ${r.note}`); // the default's note comes with the session's model
  }

  const read = (rel: string) => fs.readFile(join(dir, ...rel.split('/')), 'utf8');
  const prompts: Record<string, string> = {};
  for (const a of check.recipe.agents) if (a.prompt) prompts[a.prompt] = await read(a.prompt);
  const agentsMd = check.files.includes(AGENTS_FILE) ? await read(AGENTS_FILE) : undefined;

  // Said once at start (they depend only on the recipe); place() may run again on a recreated container.
  notes.push(...placeRecipe({ recipe: check.recipe, prompts, ...(agentsMd !== undefined ? { agentsMd } : {}), sessionEndpoint: Object.values(endpoints)[0]!, endpoints }).notes);

  return {
    hash: check.hash,
    recipe: check.recipe,
    ...(check.models ? { models: check.models } : {}),
    origin,
    dir,
    notes,
    async place(container, sessionEndpoint) {
      const placed = placeRecipe({ recipe: check.recipe, prompts, ...(agentsMd !== undefined ? { agentsMd } : {}), sessionEndpoint, endpoints });
      await writeHomeFiles(container, placed.files);
      return placed.notes;
    },
  };
}

/**
 * Places a session's recipe (from the library, by hash) in a workspace container that was just
 * created — at session start, and again when a restart made the host recreate the container (its
 * HOME is the container's own, so the roles must be written anew).
 */
export async function placeSessionRecipe(
  container: Dockerode.Container,
  opts: { kilnHome: string; hash: string; sessionEndpoint: Omit<AgentModelEndpoint, 'provider'>; detect?: () => Promise<HostOllama> },
): Promise<void> {
  const prepared = await prepareSessionRecipe(opts.hash, { kilnHome: opts.kilnHome, ...(opts.detect ? { detect: opts.detect } : {}) });
  await prepared.place(container, { provider: 'openai-compatible', ...opts.sessionEndpoint });
}
