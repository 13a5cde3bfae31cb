// The active docker context, read the way the Docker CLI reads it: DOCKER_CONTEXT, else
// `currentContext` in $DOCKER_CONFIG/config.json (default ~/.docker), then the context's
// meta.json stored under contexts/meta/<sha256(name)>/. "default" means "no context".
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsFiles } from './endpoint';

export interface ActiveContext {
  name: string;
  /** True when named by DOCKER_CONTEXT (the user chose it for this process), not by config.json. */
  explicit: boolean;
  /** Endpoints.docker.Host, when the context could be read. */
  host?: string;
  tls?: TlsFiles;
  /** Why the context could not be used, in a few words. */
  problem?: string;
}

export function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG || join(home, '.docker');
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function currentContextName(configDir: string): string | undefined {
  const path = join(configDir, 'config.json');
  if (!existsSync(path)) return undefined;
  try {
    const config = readJson(path) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' && config.currentContext ? config.currentContext : undefined;
  } catch {
    return undefined; // a broken config.json is the CLI's problem to report; we go on looking
  }
}

export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function readActiveContext(env: NodeJS.ProcessEnv, home: string): ActiveContext | undefined {
  const configDir = dockerConfigDir(env, home);
  const explicit = Boolean(env.DOCKER_CONTEXT);
  const name = env.DOCKER_CONTEXT || currentContextName(configDir);
  if (!name || name === 'default') return undefined;

  const hash = contextDirName(name);
  const metaPath = join(configDir, 'contexts', 'meta', hash, 'meta.json');
  if (!existsSync(metaPath)) return { name, explicit, problem: 'context not found' };
  let host: unknown;
  let skipVerify: boolean;
  try {
    const meta = readJson(metaPath) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    host = meta.Endpoints?.docker?.Host;
    skipVerify = meta.Endpoints?.docker?.SkipTLSVerify === true;
  } catch {
    return { name, explicit, problem: 'context file is not valid JSON' };
  }
  if (typeof host !== 'string' || !host) return { name, explicit, problem: 'context has no docker endpoint' };

  const tlsDir = join(configDir, 'contexts', 'tls', hash, 'docker');
  const tls = existsSync(tlsDir) ? { dir: tlsDir, verify: !skipVerify } : undefined;
  return { name, explicit, host, ...(tls ? { tls } : {}) };
}
