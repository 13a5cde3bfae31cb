// The all-in-one container's default command (entrypoint.sh start_all_in_one runs it as
// `node /opt/kiln/aio/server.mjs`): the window's server on the local Engine. Listens on 0.0.0.0
// inside the container (the published port reaches that interface; the README's command
// publishes it on 127.0.0.1 only), with the same token, Host and Origin checks as `kiln web`.
// Prints one line with the URL and this start's token.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toKilnError } from '../../src-shared/errors';
import { createHandlers } from '../server/handlers';
import { createWindowHost } from '../server/window-host';
import { startWebServer } from '../server/web-server';
import { kilnPaths } from '../sessions/paths';
import { FileSecretStore } from '../settings/file-secret-store';
import { containerOllamaHost, envSecretStore, localServices } from './local-services';
import { isPersistent } from './persistence';

const env = process.env;
// Ollama on the host, as a container reaches it (detectHostOllama reads OLLAMA_HOST).
env.OLLAMA_HOST = containerOllamaHost(env);
const port = Number(env.KILN_WEB_PORT || 7777);
const stateDir = env.KILN_STATE_ROOT || '/var/lib/kiln';

async function main(): Promise<void> {
  const secrets = envSecretStore(env, new FileSecretStore(kilnPaths(env).home));
  const services = localServices({ env, secrets });
  // The session token stays in this process only (and kilnd's): never in a child's environment.
  delete env.KILN_SESSION_TOKEN;
  const persistent = isPersistent(stateDir);
  const holder = { discover: async () => ({ ok: true as const }), get: async () => services, current: () => services };
  const host = createWindowHost(holder, { env, secrets });
  const rendererDir = [join(dirname(fileURLToPath(import.meta.url)), 'renderer'), '/opt/kiln/renderer'].find((d) => existsSync(join(d, 'index.html'))) ?? '/opt/kiln/renderer';
  const server = await startWebServer({
    port,
    bind: env.KILN_WEB_BIND || '0.0.0.0',
    anyPort: true,
    rendererDir,
    connect: (push, signal) => createHandlers({ services: holder, mode: 'all-in-one', persistent, push, signal, host }),
  });
  if (!persistent) process.stdout.write(`kiln: no volume at ${stateDir}: the record lives only as long as this container.\n`);
  process.stdout.write(`Kiln is at ${server.url}\n`);
  const stop = () => {
    void host.close().then(() => server.close()).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  const e = toKilnError(err, 'E_ALL_IN_ONE_START');
  process.stderr.write(`kiln: ${e.message}${e.next ? `\n  ${e.next}` : ''}\n`);
  process.exit(1);
});
