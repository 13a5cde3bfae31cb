// kiln doctor: is everything Kiln needs here? Engine (which, version), runtime image, host Ollama.
import { kilnPaths } from '../../sessions/paths';
import type { Command } from '../command';

interface OllamaSeen {
  seen: boolean;
  url: string;
  version?: string;
}

/** Host Ollama: OLLAMA_HOST or the default port, asked for its version with a short timeout. */
async function findOllama(env: NodeJS.ProcessEnv): Promise<OllamaSeen> {
  const host = env.OLLAMA_HOST || '127.0.0.1:11434';
  const url = /^https?:\/\//.test(host) ? host.replace(/\/$/, '') : `http://${host}`;
  try {
    const { httpJson } = await import('../../timeline/http-json');
    const res = await httpJson(`${url}/api/version`, { timeoutMs: 1000 });
    if (res.status !== 200) return { seen: false, url };
    const body = (res.data ?? {}) as { version?: string };
    return { seen: true, url, ...(body.version ? { version: body.version } : {}) };
  } catch {
    return { seen: false, url };
  }
}

export const doctor: Command = {
  name: 'doctor',
  summary: 'check the Docker engine, the runtime image and a host Ollama',
  usage: 'kiln doctor [--json]\n\nExits non-zero when no Docker engine answers.',
  async run(ctx) {
    const [{ discoverEngine, formatTried }, { imageExists, RUNTIME_IMAGE }] = await Promise.all([import('../../engine/discover'), import('../../engine/images')]);
    const [engine, ollama] = await Promise.all([discoverEngine({ env: ctx.env }), findOllama(ctx.env)]);
    const tag = ctx.env.KILN_IMAGE ?? RUNTIME_IMAGE;
    const image = { tag, present: engine.ok ? await imageExists(engine.docker, tag).catch(() => false) : false };
    const paths = kilnPaths(ctx.env);
    const report = {
      ok: engine.ok,
      engine: engine.ok
        ? { ok: true, name: engine.name, endpoint: engine.endpoint, source: engine.source, version: engine.version, apiVersion: engine.apiVersion, os: engine.os, arch: engine.arch, tried: engine.tried }
        : { ok: false, error: engine.error, tried: engine.tried },
      image,
      ollama,
      paths: { home: paths.home, workspaces: paths.workspaces },
    };
    ctx.out.result(report, () => {
      const lines: string[] = [];
      if (engine.ok) {
        lines.push(`✓ engine   ${engine.name} ${engine.version} (API ${engine.apiVersion}, ${engine.os}/${engine.arch}) at ${engine.endpoint} [${engine.source}]`);
      } else {
        lines.push(`✗ engine   ${engine.error.message}`);
        for (const t of formatTried(engine.tried)) lines.push(`           tried ${t}`);
        if (engine.error.next) lines.push(`           next: ${engine.error.next}`);
      }
      lines.push(image.present ? `✓ image    ${tag}` : `✗ image    ${tag} is not built — run \`kiln image build\` (or \`kiln up\` builds it)`);
      lines.push(ollama.seen ? `✓ ollama   ${ollama.url}${ollama.version ? ` (version ${ollama.version})` : ''}` : `· ollama   none at ${ollama.url} (optional: local models)`);
      lines.push(`· paths    metadata ${paths.home}, workspaces ${paths.workspaces}`);
      return lines;
    });
    return engine.ok ? 0 : 1;
  },
};
