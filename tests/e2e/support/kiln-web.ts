// E2E harness: `kiln web --no-open --json` as a child process (a temp KILN_HOME and workspaces
// folder, the test label), Debian's Chromium through playwright-core, console errors collected,
// screenshots into tests/.artifacts/e2e/; the first-run window on the scripted model server and
// its walk to "Start a session", shared by the window, gallery and agent-tab suites.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DEFAULT_MODEL } from '../../../src-main/models/default-model';
import { startModelServer, type ModelServer, type ModelServerOptions } from '../../fixtures/model-server';
import { bridgeGateway } from '../../support/network';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const artifacts = join(root, 'tests', '.artifacts', 'e2e');

/** The renderer and kilnd as `npm run build` makes them (kiln web serves out/renderer). */
export function buildOnce(): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr || r.stdout}`);
}

export interface KilnWeb {
  url: string;
  home: string;
  workspaces: string;
  env: NodeJS.ProcessEnv;
  proc: ChildProcess;
  /** Output of the server, for failure messages. */
  log(): string;
  stop(): Promise<void>;
  /** `kiln …` with the same home (cleanup through the CLI). */
  cli(args: string[]): { code: number | null; stdout: string; stderr: string };
}

export async function startKilnWeb(extraEnv: Record<string, string>): Promise<KilnWeb> {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-e2e-'));
  const home = join(dir, 'home');
  const workspaces = join(dir, 'Kiln');
  mkdirSync(workspaces, { recursive: true });
  const image = process.env.KILN_TEST_RUNTIME_IMAGE ?? process.env.KILN_IMAGE;
  if (!image) throw new Error('KILN_TEST_RUNTIME_IMAGE is not set (the e2e global setup builds it)');
  const env: NodeJS.ProcessEnv = { ...process.env, KILN_HOME: home, KILN_WORKSPACES: workspaces, KILN_LABELS: 'kiln.test=1', KILN_IMAGE: image, ...extraEnv };
  const proc = spawn(process.execPath, [join(root, 'bin', 'kiln.mjs'), 'web', '--no-open', '--json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`kiln web printed no URL in 60 s: ${out}${err}`)), 60_000);
    const check = () => {
      const m = /"url"\s*:\s*"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`kiln web exited (${code}): ${out}${err}`));
    });
  });
  return {
    url,
    home,
    workspaces,
    env,
    proc,
    log: () => out + err,
    cli: (args) => {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'kiln.mjs'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Call at a file's top (or in a describe): the build, then Chromium for its tests, closed after them. */
export function browserForTests(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    buildOnce();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running (its beforeAll failed)');
    return browser;
  };
}

/** Console errors and page errors, asserted empty at the end of a test. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Screenshots named by test and step, in order. */
export function shooter(page: Page, test: string) {
  mkdirSync(artifacts, { recursive: true });
  let n = 0;
  return async (step: string) => {
    n++;
    await page.screenshot({ path: join(artifacts, `${test}-${String(n).padStart(2, '0')}-${step}.png`) });
  };
}

/** Every session a `kiln web` made (its own KILN_HOME): record through the CLI, containers by label. */
export async function removeSessions(kiln: KilnWeb): Promise<void> {
  let ids: string[] = [];
  try {
    ids = (JSON.parse(kiln.cli(['ls', '--json']).stdout) as { id: string }[]).map((s) => s.id);
  } catch {
    /* nothing listed */
  }
  const docker = new Docker();
  for (const id of ids) {
    kiln.cli(['rm', id]);
    for (const c of await docker.listContainers({ all: true, filters: { label: [`kiln.session=${id}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  }
}

/** A window on a fresh `kiln web` whose host Ollama is the scripted model server (the default model pulled). */
export interface FirstRunWindow {
  server: ModelServer;
  kiln: KilnWeb;
  page: Page;
  /** Console and page errors so far (asserted empty at the end). */
  errors: string[];
  /** Page, sessions, kiln web and model server go. */
  close(): Promise<void>;
}

export async function openFirstRunWindow(browser: Browser, model: Omit<ModelServerOptions, 'host' | 'ollama'> = {}): Promise<FirstRunWindow> {
  const gateway = bridgeGateway();
  const server = await startModelServer({ host: gateway, ollama: { models: [{ name: DEFAULT_MODEL.name, size: DEFAULT_MODEL.approxBytes }] }, fallback: { text: 'Done' }, ...model });
  const kiln = await startKilnWeb({ OLLAMA_HOST: `http://${gateway}:${server.port}` }).catch(async (err: unknown) => {
    await server.close();
    throw err;
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  return {
    server,
    kiln,
    page,
    errors: collectErrors(page),
    async close() {
      await page.close();
      await removeSessions(kiln);
      await kiln.stop();
      await server.close();
    },
  };
}

/** The page's URL with the flag that puts `window.kilnDebug` (the terminals as text) on the built page. */
export function debugUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('kiln-debug', '1');
  return u.toString();
}

/** First run on a ready machine: the page opened on its URL, "Start a session" shown (returned, not clicked). */
export async function walkFirstRun(page: Page, url: string): Promise<Locator> {
  await page.goto(url);
  const start = page.getByRole('button', { name: 'Start a session' });
  await start.waitFor({ timeout: 60_000 });
  return start;
}

/** Runs a test's steps; on failure a screenshot, then the error with the page's errors and the server's log. */
async function withFailureReport(w: { page: Page; kiln: KilnWeb; errors: string[] }, shot: (step: string) => Promise<void>, steps: () => Promise<void>, extra?: () => Promise<string>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    await shot('failure');
    const more = extra ? await extra().catch(() => '') : '';
    throw new Error(`${err instanceof Error ? err.message : String(err)}${more}\npage errors: ${w.errors.join('\n')}\nkiln web: ${w.kiln.log().slice(-2000)}`, { cause: err });
  }
}

/** A first-run window for the tests of one describe block (opened before them, closed after). */
export interface FirstRunFixture {
  readonly kiln: KilnWeb;
  readonly page: Page;
  readonly server: ModelServer;
  /**
   * A test's steps, screenshots named `name-NN-step`: on failure a screenshot and the error with
   * the page's errors and the server's log (plus `extra`); at the end no console or page error.
   */
  run(name: string, steps: (shot: (step: string) => Promise<void>) => Promise<void>, extra?: () => Promise<string>): Promise<void>;
}

/** Call inside a describe: registers the hooks that open and close the window (on `browser()`, launched by then). */
export function firstRunWindow(browser: () => Browser, model: Omit<ModelServerOptions, 'host' | 'ollama'> = {}): FirstRunFixture {
  let w: FirstRunWindow | undefined;
  beforeAll(async () => {
    w = await openFirstRunWindow(browser(), model);
  });
  afterAll(async () => {
    await w?.close();
  });
  const open = (): FirstRunWindow => {
    if (!w) throw new Error('the first-run window is not open (its beforeAll failed)');
    return w;
  };
  return {
    get kiln() {
      return open().kiln;
    },
    get page() {
      return open().page;
    },
    get server() {
      return open().server;
    },
    async run(name, steps, extra) {
      const x = open();
      const shot = shooter(x.page, name);
      await withFailureReport(x, shot, () => steps(shot), extra);
      expect(x.errors, x.errors.join('\n')).toEqual([]);
    },
  };
}
