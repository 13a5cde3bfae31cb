// Desktop smoke test: the real Electron app, driven by Playwright's `_electron` (and over CDP
// for the packaged build). Electron's binary cannot be downloaded on the development machine,
// so this runs on the macOS and Linux runners of .github/workflows/desktop.yml (Linux under
// Xvfb), never in the vitest projects. Run it where Electron is installed:
//   npm run build                                   # out/app: main, preload, renderer
//   node --import tsx --test tests/desktop/smoke.spec.ts
//   KILN_PACKAGED_APP=dist/linux-unpacked/kiln-desktop node --import tsx --test tests/desktop/smoke.spec.ts
// (Linux: wrap in `xvfb-run -a`.) Screenshots go to tests/.artifacts/desktop/.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { _electron, chromium, type ElectronApplication, type Page } from 'playwright-core';

const APP_DIR = resolve('out/app');
const ARTIFACTS = resolve('tests/.artifacts/desktop');
const REPO = 'https://github.com/kiln-recipes/hello';
const LINK = `kiln://recipe?url=${REPO}&ref=main`;
mkdirSync(ARTIFACTS, { recursive: true });

type KilnWindow = { kiln: { app: { info(i: object): Promise<{ mode: string }> }; sessions: { list(i: object): Promise<unknown[]> } }; kilnBridge: { request(m: unknown): Promise<{ ok: boolean; result?: { mode: string } }> } };

/** A fresh userData per run: first run, no remembered window, no keys. */
const userData = () => mkdtempSync(join(tmpdir(), 'kiln-smoke-'));

async function firstRunShows(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  // The first-run page: an engine check, then the image, then a model — one heading per screen.
  await page.getByRole('heading').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-first-run.png`) });
  assert.match(await page.locator('body').innerText(), /Docker|engine|image|model|Kiln/i);
}

async function answersOverIpc(page: Page): Promise<void> {
  const info = await page.evaluate(() => (window as unknown as KilnWindow).kiln.app.info({}));
  assert.equal(info.mode, 'electron');
  const wire = await page.evaluate(() => (window as unknown as KilnWindow).kilnBridge.request({ t: 'req', id: 99, op: 'app.info', input: {} }));
  assert.equal(wire.ok, true);
  // Nothing of Node or Electron reached the page.
  const leaks = await page.evaluate(() => [typeof (window as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process, typeof (window as { ipcRenderer?: unknown }).ipcRenderer]);
  assert.deepEqual(leaks, ['undefined', 'undefined', 'undefined']);
}

async function linkOpensACard(page: Page, name: string): Promise<void> {
  const card = page.getByText(REPO).first();
  await card.waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: /^Start/ }).first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, `${name}-link-card.png`) });
}

describe('the desktop app (development build, Playwright _electron)', () => {
  let app: ElectronApplication;
  let page: Page;
  const dir = userData();
  before(async () => {
    app = await _electron.launch({ args: [APP_DIR, `--user-data-dir=${dir}`], env: { ...process.env, KILN_IMAGE: process.env.KILN_IMAGE ?? 'kiln/runtime:smoke' } as Record<string, string> });
    page = await app.firstWindow();
  });
  after(async () => app?.close());

  it('starts and shows the first-run page', async () => firstRunShows(page, 'dev'));

  it('answers app.info over IPC', async () => answersOverIpc(page));

  it('runs the page locked down: served from app://kiln under the CSP, no new windows, no file:// reads', async () => {
    assert.equal(page.url(), 'app://kiln/index.html');
    const csp = await page.evaluate(async () => (await fetch('app://kiln/index.html')).headers.get('content-security-policy'));
    assert.match(csp ?? '', /script-src 'self'/);
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    assert.equal(opened, true);
    const fileRead = await page.evaluate(() => fetch('file:///etc/hosts').then(() => 'read', () => 'refused'));
    assert.equal(fileRead, 'refused');
    assert.equal((await app.windows()).length, 1);
  });

  it('opens a kiln:// link (macOS open-url) as a card with a Start button, and starts nothing', async () => {
    const before = await page.evaluate(() => (window as unknown as KilnWindow).kiln.sessions.list({}).catch(() => []));
    await app.evaluate(({ app: electronApp }, link) => electronApp.emit('open-url', { preventDefault() {} }, link), LINK);
    await linkOpensACard(page, 'dev');
    const afterList = await page.evaluate(() => (window as unknown as KilnWindow).kiln.sessions.list({}).catch(() => []));
    assert.equal(afterList.length, before.length);
  });

  it('hands a link from a second launch to the running window (Linux and Windows argv)', { skip: process.platform === 'darwin' && 'macOS sends open-url instead' }, async () => {
    const electronPath = app.process().spawnfile;
    const second = spawnSync(electronPath, [APP_DIR, `--user-data-dir=${dir}`, `kiln://recipe?url=${REPO}-second`], { timeout: 20_000 });
    assert.equal(second.status, 0); // the second instance quits at once, its link handed over
    await page.getByText(`${REPO}-second`).first().waitFor({ timeout: 15_000 });
  });
});

describe('the packaged app (KILN_PACKAGED_APP: the installed binary, fuses on)', { skip: !process.env.KILN_PACKAGED_APP && 'set KILN_PACKAGED_APP to the packaged binary' }, () => {
  const bin = process.env.KILN_PACKAGED_APP ?? '';
  const port = 9339;
  const dir = userData(); // every launch below names it: the single-instance lock is per userData
  let proc: ChildProcess;
  let page: Page;
  before(async () => {
    // Playwright's _electron needs --inspect, which the fuses switch off: drive the window over CDP.
    proc = spawn(bin, [`--remote-debugging-port=${port}`, `--user-data-dir=${dir}`], { stdio: 'ignore' });
    let browser;
    for (let i = 0; i < 60 && !browser; i++) {
      browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 500)));
    }
    assert.ok(browser, 'the packaged app did not open a window');
    const ctx = browser.contexts()[0]!;
    page = ctx.pages().find((p) => p.url().startsWith('app://kiln')) ?? (await ctx.waitForEvent('page'));
  });
  after(() => void proc?.kill());

  it('starts and shows the first-run page', async () => firstRunShows(page, 'packaged'));
  it('answers app.info over IPC', async () => answersOverIpc(page));
  it('opens a kiln:// link from a second launch as a card', { skip: process.platform === 'darwin' && 'macOS: `open kiln://…` is covered by the development build test' }, async () => {
    spawnSync(bin, [`--user-data-dir=${dir}`, `kiln://recipe?url=${REPO}`], { timeout: 20_000 });
    await linkOpensACard(page, 'packaged');
  });
  it('refuses to run as plain Node (the runAsNode fuse)', () => {
    // With the fuse off the variable is ignored: this is just a second launch, which hands over and quits.
    const r = spawnSync(bin, [`--user-data-dir=${dir}`, '-e', 'console.log("ran-as-node")'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 20_000, encoding: 'utf8' });
    assert.doesNotMatch(r.stdout ?? '', /ran-as-node/);
    assert.equal(r.status, 0);
  });
});
