// The runtime image: build it from src-container/ with progress, tell whether it exists, and
// rebuild only when what it is made of changed (a context hash kept as a label on the image).
//
// Extra CA certificates: behind a TLS-intercepting proxy the image's apt/npm steps fail with
// "self-signed certificate in certificate chain". By default the file named by
// NODE_EXTRA_CA_CERTS (else SSL_CERT_FILE, else on Linux the system bundle) is added to the
// streamed context as src-container/extra-ca/*.crt, which the Dockerfile trusts before any
// network step. Pass `extraCaFiles: []` to add none.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type Dockerode from 'dockerode';
import { version } from '../../package.json';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { collectContext, hashContext, packContext, type VirtualFile } from './build-context';

export const RUNTIME_IMAGE_REPO = 'kiln/runtime';
/** The tag the app runs: one image per Kiln version. */
export const RUNTIME_IMAGE = `${RUNTIME_IMAGE_REPO}:${version}`;
export const RUNTIME_DOCKERFILE = 'src-container/Dockerfile';
/** Everything the runtime Dockerfile copies, relative to the repository root (mirrored in .dockerignore). */
export const RUNTIME_CONTEXT_PATHS = [
  'src-container/Dockerfile',
  'src-container/entrypoint.sh',
  'src-container/package.json',
  'src-container/package-lock.json',
  'src-container/extra-ca',
  'src-container/shell',
  'src-container/agents',
  'out/kilnd',
  // The all-in-one window (scripts/build.mjs --aio --renderer); placeholders when not built.
  'out/aio',
  'out/renderer',
] as const;
export const EXTRA_CA_DIR = 'src-container/extra-ca';
/** Label holding the hash of the context an image was built from. */
export const CONTEXT_HASH_LABEL = 'dev.kiln.context-hash';

export interface BuildProgress {
  /** `step`: a Dockerfile step begins; `log`: output of a step; `status`: engine status (pulls, ids). */
  kind: 'step' | 'log' | 'status';
  text: string;
}

export interface BuildImageOptions {
  docker: Dockerode;
  tag: string;
  /** Root of the build context (for the runtime image: the repository root). */
  contextDir: string;
  /** Dockerfile path inside the context. */
  dockerfile: string;
  /** Files or folders of contextDir to send. */
  paths: readonly string[];
  /** Files added to the stream only. */
  virtual?: VirtualFile[];
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  onProgress?: (p: BuildProgress) => void;
  signal?: AbortSignal;
}

export interface BuiltImage {
  tag: string;
  imageId: string | undefined;
  contextHash: string;
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string };
}

const STEP_LINE = /^Step \d+\/\d+ : /;

/** Build an image from a streamed context. An error reported inside the build stream is thrown. */
export async function buildImageFromContext(opts: BuildImageOptions): Promise<BuiltImage> {
  const ctx = collectContext(opts.contextDir, opts.paths, opts.virtual);
  if (!ctx.files.includes(opts.dockerfile)) {
    throw new KilnFailure(
      kilnError('E_IMAGE_NO_DOCKERFILE', `There is no ${opts.dockerfile} in ${opts.contextDir}.`, 'Check that the Kiln installation is complete.'),
    );
  }
  const buildArgs = opts.buildArgs ?? {};
  const contextHash = hashContext(ctx, { dockerfile: opts.dockerfile, ...prefixKeys('arg:', buildArgs) });
  let stream: NodeJS.ReadableStream;
  try {
    stream = await opts.docker.buildImage(packContext(ctx), {
      t: opts.tag,
      dockerfile: opts.dockerfile,
      buildargs: buildArgs,
      labels: { ...opts.labels, [CONTEXT_HASH_LABEL]: contextHash },
      rm: true,
      forcerm: true,
      abortSignal: opts.signal,
    } as Dockerode.ImageBuildOptions);
  } catch (err) {
    throw new KilnFailure(
      kilnError('E_IMAGE_BUILD_START', `The Docker engine refused to start building ${opts.tag}: ${firstLine(err)}.`, 'Check that Docker is running, then try again.'),
    );
  }
  const imageId = await followBuild(opts.docker, stream, opts.tag, opts.onProgress);
  return { tag: opts.tag, imageId, contextHash };
}

function followBuild(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  tag: string,
  onProgress?: (p: BuildProgress) => void,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let imageId: string | undefined;
    let failure: string | undefined;
    let lastStep = '';
    const tail: string[] = [];
    const onEvent = (ev: ProgressEvent) => {
      if (ev.error || ev.errorDetail) {
        failure ??= (ev.errorDetail?.message ?? ev.error ?? 'unknown error').trim();
        return;
      }
      if (ev.aux?.ID) imageId = ev.aux.ID;
      if (ev.stream) {
        for (const line of ev.stream.split('\n')) {
          const text = line.trimEnd();
          if (!text) continue;
          if (STEP_LINE.test(text)) lastStep = text;
          tail.push(text);
          if (tail.length > 12) tail.shift();
          onProgress?.({ kind: STEP_LINE.test(text) ? 'step' : 'log', text });
        }
      } else if (ev.status) {
        onProgress?.({ kind: 'status', text: ev.progress ? `${ev.status} ${ev.progress}` : ev.status });
      }
    };
    const onDone = (err: Error | null) => {
      if (err) {
        reject(new KilnFailure(kilnError('E_IMAGE_BUILD_STREAM', `Building ${tag} stopped: ${firstLine(err)}.`, 'Check that Docker is still running, then try again.')));
      } else if (failure !== undefined) {
        const at = lastStep ? ` at "${lastStep}"` : '';
        const failed = new KilnFailure(
          kilnError('E_IMAGE_BUILD_FAILED', `Building ${tag} failed${at}: ${failure}`, 'Read the build output above for the cause; fix it and build again.'),
        );
        (failed as KilnFailure & { buildLog?: string[] }).buildLog = [...tail];
        reject(failed);
      } else {
        resolve(imageId);
      }
    };
    docker.modem.followProgress(stream, onDone, onEvent);
  });
}

/** Whether the engine has an image under this tag (or id). */
export async function imageExists(docker: Dockerode, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** A label of an existing image, or undefined when the image or the label is missing. */
export async function imageLabel(docker: Dockerode, tag: string, label: string): Promise<string | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels?.[label] ?? undefined;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** Where Debian/Ubuntu keep the system CA bundle; an admin installs a proxy's CA into it. */
export const LINUX_SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * The CA bundle a corporate proxy setup points Node or OpenSSL at: NODE_EXTRA_CA_CERTS, else
 * SSL_CERT_FILE, else (Linux) the system bundle. Missing files are ignored.
 */
export function defaultExtraCaFiles(
  env: NodeJS.ProcessEnv = process.env,
  systemBundle: string | null = process.platform === 'linux' ? LINUX_SYSTEM_CA_BUNDLE : null,
): string[] {
  for (const file of [env.NODE_EXTRA_CA_CERTS, env.SSL_CERT_FILE, systemBundle]) {
    if (file && existsSync(file)) return [file];
  }
  return [];
}

export interface RuntimeImageOptions {
  docker: Dockerode;
  /** Repository root holding src-container/ (and out/kilnd/ once built). */
  contextDir: string;
  tag?: string;
  /** PEM files trusted inside the image; default: defaultExtraCaFiles(). */
  extraCaFiles?: string[];
  /** e.g. { NODE_IMAGE: 'node:20-bookworm' }. */
  buildArgs?: Record<string, string>;
  onProgress?: (p: BuildProgress) => void;
  signal?: AbortSignal;
}

function runtimeVirtualFiles(contextDir: string, extraCaFiles: string[]): VirtualFile[] {
  const virtual: VirtualFile[] = extraCaFiles.map((file, i) => ({
    name: `${EXTRA_CA_DIR}/kiln-extra-${i}-${basename(file).replace(/[^\w.-]/g, '_').replace(/\.(pem|crt)$/, '')}.crt`,
    content: readFileSync(file),
  }));
  // Until the host build has produced the kilnd bundle, the image is built without it.
  if (!existsSync(join(contextDir, 'out/kilnd'))) {
    virtual.push({ name: 'out/kilnd/NOT-BUILT.txt', content: 'kilnd bundle not built: run `npm run build`, then rebuild the image.\n' });
  }
  // The all-in-one window is optional for a pod's image (the desktop app ships without it).
  for (const dir of ['out/aio', 'out/renderer']) {
    if (!existsSync(join(contextDir, dir))) virtual.push({ name: `${dir}/NOT-BUILT.txt`, content: 'not built: run `node scripts/build.mjs --aio --renderer`, then rebuild the image.\n' });
  }
  return virtual;
}

function runtimeBuild(opts: RuntimeImageOptions): BuildImageOptions {
  return {
    docker: opts.docker,
    tag: opts.tag ?? RUNTIME_IMAGE,
    contextDir: opts.contextDir,
    dockerfile: RUNTIME_DOCKERFILE,
    paths: RUNTIME_CONTEXT_PATHS,
    virtual: runtimeVirtualFiles(opts.contextDir, opts.extraCaFiles ?? defaultExtraCaFiles()),
    buildArgs: opts.buildArgs,
    labels: { 'dev.kiln.version': version },
    onProgress: opts.onProgress,
    signal: opts.signal,
  };
}

/** Build the runtime image from src-container/ (always builds; the engine's layer cache keeps it quick). */
export function buildRuntimeImage(opts: RuntimeImageOptions): Promise<BuiltImage> {
  return buildImageFromContext(runtimeBuild(opts));
}

/** The hash a runtime image built now would carry. */
export function runtimeContextHash(opts: Omit<RuntimeImageOptions, 'docker'>): string {
  const build = runtimeBuild({ ...opts, docker: undefined as unknown as Dockerode });
  const ctx = collectContext(build.contextDir, build.paths, build.virtual);
  return hashContext(ctx, { dockerfile: build.dockerfile, ...prefixKeys('arg:', build.buildArgs ?? {}) });
}

/** Build the runtime image only when it is missing or was built from a different context. */
export async function ensureRuntimeImage(opts: RuntimeImageOptions): Promise<{ tag: string; built: boolean }> {
  const tag = opts.tag ?? RUNTIME_IMAGE;
  const have = await imageLabel(opts.docker, tag, CONTEXT_HASH_LABEL);
  if (have !== undefined && have === runtimeContextHash(opts)) return { tag, built: false };
  await buildRuntimeImage({ ...opts, tag });
  return { tag, built: true };
}

function prefixKeys(prefix: string, record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [prefix + k, v]));
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim().replace(/\.$/, '');
}
