// Find a native Ollama on the host. Preferred over an Ollama container: on macOS a container has
// no GPU, and a native Ollama is tens of times faster. Probes /api/version and /api/tags with a
// short timeout at each candidate address; the first that answers wins.
import { httpJson } from '../timeline/http-json';

/** Ollama's own default address. */
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';
/** How a container reaches the host's Ollama: needs `host.docker.internal` mapped on Linux (see below). */
export const CONTAINER_OLLAMA_URL = 'http://host.docker.internal:11434';
/**
 * For HostConfig.ExtraHosts of containers that talk to the host's Ollama. Docker Desktop,
 * OrbStack and Colima define host.docker.internal themselves; Linux dockerd (≥ 20.10) needs it.
 */
export const HOST_GATEWAY_EXTRA_HOSTS = ['host.docker.internal:host-gateway'] as const;

export interface HostOllamaModel {
  name: string;
  size: number;
  parameterSize?: string;
}

export type HostOllama =
  | { found: true; url: string; version: string; models: HostOllamaModel[] }
  | { found: false; tried: string[] };

export interface DetectOptions {
  /** Addresses to try, in order (default: $OLLAMA_HOST, then 127.0.0.1:11434). */
  urls?: string[];
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

/**
 * OLLAMA_HOST as Ollama reads it: "host", "host:port", ":port" or a URL; 0.0.0.0 (listen on all)
 * is reached at 127.0.0.1.
 */
export function ollamaUrlFromEnv(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(v) ? v : `http://${v.startsWith(':') ? `127.0.0.1${v}` : v}`);
  } catch {
    return undefined;
  }
  if (url.hostname === '0.0.0.0' || url.hostname === '') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  if (!url.port) url.port = url.protocol === 'https:' ? '443' : '11434';
  return `${url.protocol}//${url.host}`;
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  // node:http for http:// (every `kiln up` asks): fetch loads undici on first use, ~100 ms.
  if (url.startsWith('http://')) {
    const res = await httpJson(url, { timeoutMs });
    if (res.status < 200 || res.status > 299) throw new Error(`${res.status}`);
    return res.data ?? {};
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${res.status}`);
  return res.json();
}

/** One address: an Ollama answers both /api/version and /api/tags. */
async function probe(url: string, timeoutMs: number): Promise<HostOllama | null> {
  try {
    const [version, tags] = await Promise.all([getJson(`${url}/api/version`, timeoutMs), getJson(`${url}/api/tags`, timeoutMs)]);
    const v = (version as { version?: unknown }).version;
    const list = (tags as { models?: unknown }).models;
    if (typeof v !== 'string' || !Array.isArray(list)) return null;
    const models = list.flatMap((m: { name?: unknown; size?: unknown; details?: { parameter_size?: unknown } }) =>
      typeof m.name === 'string'
        ? [{ name: m.name, size: typeof m.size === 'number' ? m.size : 0, ...(typeof m.details?.parameter_size === 'string' ? { parameterSize: m.details.parameter_size } : {}) }]
        : [],
    );
    return { found: true, url, version: v, models };
  } catch {
    return null; // refused, timed out, or not an Ollama: try the next address
  }
}

export async function detectHostOllama(opts: DetectOptions = {}): Promise<HostOllama> {
  const env = opts.env ?? process.env;
  const fromEnv = ollamaUrlFromEnv(env.OLLAMA_HOST);
  const urls = [...new Set(opts.urls ?? [fromEnv, OLLAMA_DEFAULT_URL].filter((u): u is string => !!u))].map((u) => u.replace(/\/+$/, ''));
  for (const url of urls) {
    const hit = await probe(url, opts.timeoutMs ?? 1500);
    if (hit) return hit;
  }
  return { found: false, tried: urls };
}
