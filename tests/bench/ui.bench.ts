// The window's benchmarks (issue 8), in Debian's Chromium, each against a baseline of the same run:
//  - `yes` for 5 s, then Ctrl-C → the prompt is back (target ≤ 200 ms); baseline: Ctrl-C at an
//    idle prompt. A click during the flood is handled (target ≤ 100 ms); baseline: the same click
//    with the terminal idle. Real `kiln web`, real session, real docker exec.
//  - terminal throughput into xterm: `cat` of a 15 MB file in the shell tab until the next
//    prompt, against `docker exec -t … cat` of the same file into a host file (target ≥ 50 %).
//  - a timeline of 100,000 events: first paint after selecting the session (target ≤ 500 ms;
//    baseline: a 100-event timeline) and frame times while scrolling up through it, older pages
//    loading as it goes (target p95 ≤ 20 ms; baseline: idle frames of the same page). Served by
//    the real web server over the real WebSocket; the host side is a table of pre-built events
//    (real shape, unsigned: the renderer does not verify signatures, the host does), because
//    100,000 signed receipts take minutes to produce.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Handlers } from '../../src-shared/api/rpc';
import type { SessionSummary } from '../../src-shared/api/contract';
import { startWebServer } from '../../src-main/server/web-server';
import { isMain, percentile, printTable, type BenchRow } from './lib';
import { buildOnce, debugUrl, launchBrowser, root, startKilnWeb } from '../e2e/support/kiln-web';

/** A page; tsx (esbuild keepNames) wraps functions handed to evaluate in __name(): define it. */
async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.addInitScript('window.__name = (f) => f');
  return page;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a page-side predicate (a function: a string would be eval, which the CSP refuses). */
async function waitFor(page: Page, fn: () => boolean, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(fn, undefined, { timeout: timeoutMs, polling: 'raf' });
}

const step = (what: string) => process.stderr.write(`[ui bench] ${what}\n`);

/** Milliseconds from now until the active terminal's cursor sits at a prompt, polled every frame. */
function untilPrompt(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const debug = (window as unknown as { kilnDebug: { cursorLine(): string; screen(): string; cursorRow(): number } }).kilnDebug;
        const t0 = performance.now();
        const row = debug.cursorRow();
        const prompt = (line: string) => /[$#] ?$/.test(line) && !/^y*$/.test(line);
        // At an idle prompt, Ctrl-C prints ^C and a fresh prompt on the next row; during a flood
        // the cursor is on a "y" line (and the row may not move: the scrollback is full).
        const atPromptAlready = prompt(debug.cursorLine());
        const check = () => {
          if (prompt(debug.cursorLine()) && (!atPromptAlready || debug.cursorRow() !== row)) resolve(performance.now() - t0);
          else if (performance.now() - t0 > 30_000) reject(new Error(`no prompt in 30 s; the screen:\n${debug.screen()}`));
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
}

async function ctrlCToPrompt(page: Page): Promise<number> {
  const waiting = untilPrompt(page);
  const t0 = Date.now();
  await page.keyboard.press('Control+C');
  const sent = Date.now() - t0;
  return (await waiting) + 0 * sent;
}

/** Two clicks on "Split" (on, then off again): pointerdown to the frame after the button changed, the slower of the two. */
async function clickLatency(page: Page): Promise<number> {
  const on = await clickOnce(page);
  const off = await clickOnce(page);
  await page.getByRole('tabpanel', { name: 'Shell' }).click(); // the keyboard back to the shell
  return Math.max(on, off);
}

async function clickOnce(page: Page): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __t0?: number; __clickMs?: number };
    w.__clickMs = undefined;
    const btn = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Split')!;
    document.addEventListener('pointerdown', (e) => (w.__t0 = e.timeStamp), { capture: true, once: true });
    const mo = new MutationObserver(() => {
      mo.disconnect();
      requestAnimationFrame(() => (w.__clickMs = performance.now() - w.__t0!));
    });
    mo.observe(btn, { attributes: true, attributeFilter: ['aria-pressed'] });
  });
  await page.getByRole('button', { name: 'Split' }).click();
  await page.waitForFunction(() => (window as unknown as { __clickMs?: number }).__clickMs !== undefined, undefined, { timeout: 10_000 });
  return page.evaluate(() => (window as unknown as { __clickMs: number }).__clickMs);
}

async function terminalBench(): Promise<BenchRow[]> {
  const kiln = await startKilnWeb({ OLLAMA_HOST: 'http://127.0.0.1:9' });
  const name = `ui-bench-${process.pid}`;
  const browser = await launchBrowser();
  try {
    const up = kiln.cli(['up', '--name', name]);
    if (up.code !== 0) throw new Error(`kiln up failed: ${up.stderr}`);
    const container = `kiln-${name}-workspace`;
    spawnSync('docker', ['exec', container, 'sh', '-c', 'seq 1 2000000 > /tmp/big.txt'], { stdio: 'ignore' });
    const bytes = Number(spawnSync('docker', ['exec', container, 'stat', '-c', '%s', '/tmp/big.txt'], { encoding: 'utf8' }).stdout.trim());

    step('session up; opening the page');
    const page = await newPage(browser);
    await page.goto(debugUrl(kiln.url));
    await page.getByRole('tab', { name: 'Shell' }).click({ timeout: 120_000 });
    step('shell tab');
    await waitFor(page, () => /[$#] ?$/.test((window as unknown as { kilnDebug?: { cursorLine(): string } }).kilnDebug?.cursorLine() ?? ''));
    await page.getByRole('tabpanel', { name: 'Shell' }).click();

    step('prompt; baselines');
    // Baselines at an idle prompt.
    const idleCtrlC: number[] = [];
    for (let i = 0; i < 5; i++) idleCtrlC.push(await ctrlCToPrompt(page));
    const idleClick: number[] = [];
    for (let i = 0; i < 3; i++) idleClick.push(await clickLatency(page));

    step('flood');
    // The flood.
    const floodCtrlC: number[] = [];
    const floodClick: number[] = [];
    for (let round = 0; round < 3; round++) {
      await page.keyboard.type('yes');
      await page.keyboard.press('Enter');
      await sleep(2500);
      floodClick.push(await clickLatency(page));
      await sleep(2500);
      floodCtrlC.push(await ctrlCToPrompt(page));
      await sleep(300);
    }

    step('throughput');
    // Throughput: the same file through docker exec -t into a host file, then into xterm.
    const hostFile = join(tmpdir(), `kiln-ui-bench-${process.pid}.txt`);
    const dockerMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const p = spawn('docker', ['exec', '-t', container, 'cat', '/tmp/big.txt'], { stdio: ['ignore', 'pipe', 'ignore'] });
        p.stdout.pipe(createWriteStream(hostFile));
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker exec exited ${code}`))));
      });
      dockerMs.push(performance.now() - t0);
    }
    rmSync(hostFile, { force: true });
    const xtermMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      // The marker is computed by the shell, so the typed line never matches it; one per run.
      const marker = `${42 + i}XDONE`;
      await page.keyboard.type(`clear; cat /tmp/big.txt; echo $((${42 + i}))XDONE`);
      const done = page.evaluate(
        (marker) =>
          new Promise<number>((resolve, reject) => {
            const debug = (window as unknown as { kilnDebug: { screen(): string } }).kilnDebug;
            const t0 = performance.now();
            const check = () => {
              if (debug.screen().includes(marker)) resolve(performance.now() - t0);
              else if (performance.now() - t0 > 180_000) reject(new Error(`cat did not finish in 180 s; the screen:\n${debug.screen()}`));
              else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          }),
        marker,
      );
      await page.keyboard.press('Enter');
      xtermMs.push(await done);
    }
    const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
    const xterm = mbps(Math.min(...xtermMs));
    const docker = mbps(Math.min(...dockerMs));
    const renderer = await page.evaluate(() => (window as unknown as { kilnDebug: { renderer(): string } }).kilnDebug.renderer());
    await page.close();
    const med = (a: number[]) => percentile(a, 50);
    return [
      { name: 'yes 5 s, then Ctrl-C → prompt back (worst of 3)', value: Math.max(...floodCtrlC), unit: 'ms', baseline: med(idleCtrlC), ratio: med(idleCtrlC) / Math.max(...floodCtrlC), target: '≤ 200 ms' },
      { name: 'click during the flood → handled (worst of 3)', value: Math.max(...floodClick), unit: 'ms', baseline: med(idleClick), ratio: med(idleClick) / Math.max(...floodClick), target: '≤ 100 ms' },
      { name: `terminal throughput into xterm (${renderer} renderer)`, value: xterm, unit: 'MB/s', baseline: docker, ratio: xterm / docker, target: '≥ 50 % of docker exec' },
    ];
  } finally {
    await browser.close();
    kiln.cli(['rm', name]);
    await kiln.stop();
  }
}

// ---- the timeline ----

export function fakeEvents(label: string, n: number): { id: string; pubkey: string; created_at: number; kind: number; tags: string[][]; content: string; sig: string }[] {
  const pubkey = 'a'.repeat(64);
  const sig = '0'.repeat(128);
  const out = [];
  const start = createHash('sha256').update(`${label}-0`).digest('hex');
  const t0 = Math.floor(Date.now() / 1000) - n;
  let prev = start;
  for (let seq = 0; seq < n; seq++) {
    const id = seq === 0 ? start : createHash('sha256').update(`${label}-${seq}`).digest('hex');
    const commit = createHash('sha1').update(`${label}-c-${seq}`).digest('hex');
    const tags: string[][] = [['seq', String(seq)]];
    if (seq > 0) tags.push(['E', start], ['e', prev]);
    let kind: number;
    let content: unknown;
    if (seq === 0) {
      kind = 4600;
      content = { agent: 'opencode', model: 'qwen2.5-coder:7b', workspace: '/workspace', environment: {} };
    } else if (seq % 3 === 1) {
      kind = 4602;
      tags.push(['r', commit]);
      content = { commit, files: 1, reason: 'pre-command' };
    } else if (seq % 3 === 2) {
      kind = 4601;
      tags.push(['t', 'command']);
      content = { type: 'command', command: `echo ${label}-${seq} > f${seq % 50}.txt`, exitCode: 0, durationMs: 12 };
    } else {
      kind = 4601;
      tags.push(['t', 'file']);
      content = { type: 'file', path: `f${seq % 50}.txt`, change: 'modified', diff: `--- a/f.txt\n+++ b/f.txt\n@@ -1,1 +1,1 @@\n-${label}-${seq - 3}\n+${label}-${seq}\n`, checkpoint: commit };
    }
    out.push({ id, pubkey, created_at: t0 + seq, kind, tags, content: JSON.stringify(content), sig });
    prev = id;
  }
  return out;
}

async function timelineBench(): Promise<BenchRow[]> {
  const timelines: Record<string, ReturnType<typeof fakeEvents>> = { small: fakeEvents('small', 100), big: fakeEvents('big', 100_000) };
  const session = (id: string): SessionSummary => ({ id, name: id, workspace: `/tmp/${id}`, state: 'stopped', createdAt: new Date().toISOString() });
  const handlers: Handlers = {
    'app.info': () => ({ name: 'Kiln', version: 'bench', mode: 'web', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } }),
    'engine.status': () => ({ ok: true, name: 'bench', endpoint: 'none', version: '0', imagePresent: true }),
    'sessions.list': () => [session('small'), session('big')],
    'settings.get': () => ({ workspacesDir: '/tmp', defaultModel: '', theme: 'light' }),
    'timeline.subscribe': () => ({ subscription: 'bench' }),
    'timeline.unsubscribe': () => ({}),
    'timeline.verify': ({ id }) => ({ events: timelines[id]!.length, valid: true, problems: [] }),
    'timeline.query': ({ id, limit, before }) => {
      const all = timelines[id]!;
      const end = before ? Number(before) : all.length;
      const from = Math.max(0, end - (limit ?? 1000));
      return { events: all.slice(from, end), more: from > 0, ...(from > 0 ? { cursor: String(from) } : {}) };
    },
  };
  const server = await startWebServer({ rendererDir: join(root, 'out', 'renderer'), connect: () => handlers });
  const browser = await launchBrowser();
  try {
    const page = await newPage(browser);
    await page.goto(server.url);
    await waitFor(page, () => document.querySelector('[role=feed] article') !== null);

    /** Select a session in the sidebar; ms until its timeline's first receipt is on screen. */
    const select = (id: string) =>
      page.evaluate(
        (id) =>
          new Promise<number>((resolve) => {
            const t0 = performance.now();
            [...document.querySelectorAll<HTMLButtonElement>('button.session-item')].find((b) => b.getAttribute('aria-label')?.startsWith(`${id},`))!.click();
            const check = () => {
              if ([...document.querySelectorAll('[role=feed] article')].some((a) => a.textContent?.includes(`echo ${id}-`))) resolve(performance.now() - t0);
              else requestAnimationFrame(check);
            };
            requestAnimationFrame(check);
          }),
        id,
      );
    const big: number[] = [];
    const small: number[] = [];
    for (let i = 0; i < 5; i++) {
      big.push(await select('big'));
      small.push(await select('small'));
    }
    await select('big');
    await sleep(500);

    /** Frame intervals over `ms`, scrolling up by `step` px per frame (0: idle). */
    const frames = (ms: number, step: number) =>
      page.evaluate(
        ({ ms, step }) =>
          new Promise<number[]>((resolve) => {
            const scroller = document.querySelector<HTMLElement>('[data-testid=virtuoso-scroller]') ?? document.querySelector<HTMLElement>('.timeline-list')!;
            const out: number[] = [];
            let last = performance.now();
            const end = last + ms;
            const tick = (now: number) => {
              out.push(now - last);
              last = now;
              if (step) scroller.scrollTop = Math.max(0, scroller.scrollTop - step);
              if (now < end) requestAnimationFrame(tick);
              else resolve(out.slice(1));
            };
            requestAnimationFrame(tick);
          }),
        { ms, step },
      );
    const idle = await frames(2000, 0);
    const scrolling = await frames(6000, 120);
    const loaded = await page.evaluate(() => document.querySelector('[role=feed] article')?.getAttribute('aria-setsize'));
    await page.close();
    return [
      { name: 'timeline of 100,000 events: first paint after select (median)', value: percentile(big, 50), unit: 'ms', baseline: percentile(small, 50), ratio: percentile(small, 50) / percentile(big, 50), target: '≤ 500 ms' },
      { name: `timeline scrolling up: frame time p95 (${loaded} groups loaded)`, value: percentile(scrolling, 95), unit: 'ms', baseline: percentile(idle, 95), ratio: percentile(idle, 95) / percentile(scrolling, 95), target: 'p95 ≤ 20 ms' },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  buildOnce();
  process.env.KILN_TEST_RUNTIME_IMAGE ??= process.env.KILN_IMAGE;
  // KILN_UI_BENCH=timeline or =terminal runs one half.
  const only = process.env.KILN_UI_BENCH;
  return [...(only !== 'terminal' ? await timelineBench() : []), ...(only !== 'timeline' ? await terminalBench() : [])];
}

if (isMain(import.meta.url)) printTable('ui', await run());
