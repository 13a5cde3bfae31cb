// The host core as one bag of services, constructed once and passed in (the CLI now; the IPC
// and WebSocket servers later). Nothing here reaches for a global beyond what `options` gives.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KilnFailure } from '../src-shared/errors';
import { discoverEngine, type DiscoverOptions, type EngineFound } from './engine/discover';
import { buildRuntimeImage, imageExists, RUNTIME_IMAGE, type BuildProgress, type BuiltImage } from './engine/images';
import { SessionManager, kilnPaths } from './sessions';
import { TimelineClient } from './timeline';

/** Repository (or app resources) root: holds src-container/ and out/kilnd/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ImagesService {
  readonly tag: string;
  exists(): Promise<boolean>;
  /** Bundle kilnd (scripts/build.mjs), then build the runtime image. */
  build(onProgress?: (p: BuildProgress) => void): Promise<BuiltImage>;
}

export interface TimelineService {
  /** A client for one running session's recorder; close() it when done. */
  open(sessionId: string): Promise<TimelineClient>;
}

export interface AppServices {
  engine: EngineFound;
  images: ImagesService;
  sessions: SessionManager;
  timeline: TimelineService;
}

export interface AppServicesOptions {
  env?: NodeJS.ProcessEnv;
  discover?: DiscoverOptions;
  image?: string;
  /** Extra labels on every container and volume; default from KILN_LABELS="k=v,k=v" (tests). */
  labels?: Record<string, string>;
  root?: string;
  /** Where cloud API keys are kept: the desktop app passes its safeStorage store. */
  secrets?: import('./settings/secret-store').SecretStore;
}

/** Find the engine (a KilnFailure with advice when there is none) and build the services on it. */
export async function createAppServices(opts: AppServicesOptions = {}): Promise<AppServices> {
  const env = opts.env ?? process.env;
  const found = await discoverEngine({ env, ...opts.discover });
  if (!found.ok) throw new KilnFailure(found.error);
  const docker = found.docker;
  const root = opts.root ?? REPO_ROOT;
  const tag = opts.image ?? env.KILN_IMAGE ?? RUNTIME_IMAGE;
  const labels = opts.labels ?? parseLabels(env.KILN_LABELS);

  const images: ImagesService = {
    tag,
    exists: () => imageExists(docker, tag),
    build: async (onProgress) => {
      // The kilnd bundle must exist before the image copies it.
      const { buildKilnd } = (await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href)) as { buildKilnd: () => Promise<string> };
      onProgress?.({ kind: 'step', text: 'Bundling the recorder (scripts/build.mjs)' });
      await buildKilnd();
      return buildRuntimeImage({ docker, contextDir: root, tag, ...(onProgress ? { onProgress } : {}) });
    },
  };
  const sessions = new SessionManager({ docker, image: tag, paths: kilnPaths(env), ...(labels ? { labels } : {}) });
  const timeline: TimelineService = {
    open: async (id) => new TimelineClient(await sessions.connection(id)),
  };
  return { engine: found, images, sessions, timeline };
}

function parseLabels(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const pairs = text.split(',').map((p) => p.split('=')).filter((kv): kv is [string, string] => kv.length === 2 && !!kv[0]);
  return pairs.length ? Object.fromEntries(pairs) : undefined;
}
