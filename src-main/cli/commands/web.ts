// kiln web: the app's window in a browser. Serves the built renderer and the bridge on
// 127.0.0.1 (src-main/server/web-server.ts), prints the URL with this start's token and opens it.
// Starts even when no engine answers: the page shows what to install and re-checks.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { intOption, usageError, type Command } from '../command';

export const web: Command = {
  name: 'web',
  summary: 'the app\'s window in a browser (127.0.0.1 only)',
  usage: [
    'kiln web [--port N] [--no-open]',
    '',
    'Serves the window on http://127.0.0.1:PORT and opens it in the default browser; the URL carries',
    'a fresh token (after #, so it never reaches a log). --json prints {"url": …} and keeps running.',
    'Stop with Ctrl-C. Build the window first with `npm run build`.',
  ].join('\n'),
  options: { port: { type: 'string' }, 'no-open': { type: 'boolean' } },
  async run(ctx) {
    const port = intOption(ctx, 'web', 'port') ?? 0;
    if (port > 65535) throw usageError('web', `--port takes a port number (1–65535), not ${port}.`);
    // Ctrl-C from the first moment: a stop during startup waits for it, then closes cleanly.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    const [{ createHandlers }, { createWindowHost }, { startWebServer }, { lazyAppServices, REPO_ROOT }] = await Promise.all([
      import('../../server/handlers'),
      import('../../server/window-host'),
      import('../../server/web-server'),
      import('../../services'),
    ]);
    const holder = lazyAppServices({ env: ctx.env });
    const host = createWindowHost(holder, { env: ctx.env });
    const server = await startWebServer({
      port,
      rendererDir: join(REPO_ROOT, 'out', 'renderer'),
      connect: (push, signal) => createHandlers({ services: holder, mode: 'web', push, signal, host }),
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw usageError('web', `Port ${port} is in use on 127.0.0.1.`);
      throw err;
    });
    ctx.out.result({ url: server.url }, () => [`Kiln is at ${server.url}`, 'Stop it with Ctrl-C.']);
    if (ctx.values['no-open'] !== true && !ctx.json) openBrowser(server.url);

    await stopped;
    ctx.out.note('Stopping…');
    await host.close();
    await server.close();
    return 0;
  },
};

/** The default browser; failing to open one is not an error (the URL is printed). */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener on this system: the printed URL is enough
  }
}
