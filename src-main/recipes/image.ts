// A recipe with a Dockerfile gets its own workspace image, built FROM the runtime image (the
// Dockerfile names it as ${KILN_RUNTIME_IMAGE}; check.ts refuses any other base). The build
// context is the recipe's own files from the library — never a host folder, and the classic
// builder mounts nothing — and the image is cached by recipe hash and runtime image: a second
// session of the same recipe starts from it without building.
import type Dockerode from 'dockerode';
import type { RecipeHash } from '../../src-shared/recipe/hash';
import { buildImageFromContext, imageExists, type BuildProgress } from '../engine/images';

export const RECIPE_IMAGE_REPO = 'kiln/recipe';
export const RECIPE_DOCKERFILE = 'Dockerfile';
export const RECIPE_IMAGE_LABEL = 'dev.kiln.recipe';
export const RECIPE_BASE_LABEL = 'dev.kiln.recipe-base';

export const recipeImageTag = (hash: RecipeHash | string) => `${RECIPE_IMAGE_REPO}:${hash.slice('sha256:'.length, 'sha256:'.length + 24)}`;

export interface RecipeImageOptions {
  docker: Dockerode;
  hash: RecipeHash;
  /** The recipe's folder in the library (its files only). */
  dir: string;
  files: readonly string[];
  runtimeImage: string;
  labels?: Record<string, string>;
  onProgress?: (p: BuildProgress) => void;
}

async function imageLabels(docker: Dockerode, tag: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels ?? {};
  } catch {
    return undefined;
  }
}

/** The recipe's image, built when missing or when the runtime image under it changed. */
export async function ensureRecipeImage(opts: RecipeImageOptions): Promise<{ tag: string; built: boolean }> {
  const tag = recipeImageTag(opts.hash);
  const base = (await opts.docker.getImage(opts.runtimeImage).inspect()).Id;
  const labels = await imageLabels(opts.docker, tag);
  if (labels && labels[RECIPE_IMAGE_LABEL] === opts.hash && labels[RECIPE_BASE_LABEL] === base) {
    opts.onProgress?.({ kind: 'status', text: `Using the cached image ${tag} of this recipe.` });
    return { tag, built: false };
  }
  opts.onProgress?.({ kind: 'status', text: `Building the recipe's image ${tag} FROM ${opts.runtimeImage}.` });
  await buildImageFromContext({
    docker: opts.docker,
    tag,
    contextDir: opts.dir,
    dockerfile: RECIPE_DOCKERFILE,
    paths: opts.files,
    buildArgs: { KILN_RUNTIME_IMAGE: opts.runtimeImage },
    labels: { ...opts.labels, [RECIPE_IMAGE_LABEL]: opts.hash, [RECIPE_BASE_LABEL]: base },
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return { tag, built: true };
}

/** The image a session's workspace runs on: its recipe's image when one was built, else the runtime image. */
export async function workspaceImageFor(docker: Dockerode, recipe: string | undefined, runtimeImage: string): Promise<string> {
  if (!recipe) return runtimeImage;
  const tag = recipeImageTag(recipe);
  return (await imageExists(docker, tag).catch(() => false)) ? tag : runtimeImage;
}
