// One browser suite, two ways to run the window (tests/e2e/support/modes.ts): `kiln up` + `kiln
// web` on the host, and the all-in-one container run as the README says. The same steps pass in
// both: the session's terminal, `echo hi > a.txt`, its receipts in the timeline, undo and redo
// from the timeline; the bridge refuses a missing or wrong token, a foreign Origin and a foreign
// Host. The all-in-one container also keeps its record across `docker rm` (the state volume),
// and says so on the page when there is no volume. Screenshots in tests/.artifacts/e2e/modes-*.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { until } from '../support/until';
import { collectErrors, launchBrowser, shooter } from './support/kiln-web';
import { allInOneMode, docker, runAllInOne, webMode, type Mode, type ModeRun } from './support/modes';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});


/** The page on its session: terminals drawn, the shell tab live and focused. */
async function openShell(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const tablist = page.getByRole('tablist', { name: 'Terminals' });
  await tablist.waitFor({ timeout: 60_000 });
  await tablist.getByRole('tab', { name: 'Shell' }).click();
  const shell = page.locator('[role=tabpanel]:not([hidden])');
  await until('the shell prompt', async () => (await shell.getAttribute('data-state')) === 'live' || undefined, 60_000);
  await shell.click();
}

const echoGroup = (page: Page) => page.getByRole('feed', { name: 'Timeline receipts' }).getByRole('article').filter({ hasText: 'echo hi > a.txt' });

/** The upgrade's HTTP status, or 101 when it was accepted. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}

/** One bridge call over the page's WebSocket (its token and Origin), as the window makes it. */
function bridgeCall(pageUrl: string, op: string): Promise<unknown> {
  const u = new URL(pageUrl);
  const token = u.hash.replace('#token=', '');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${u.host}/bridge?token=${token}`, { headers: { Origin: u.origin } });
    ws.on('open', () => ws.send(JSON.stringify({ t: 'req', id: 1, op, input: {} })));
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as { t: string; id?: number; ok?: boolean; result?: unknown; error?: unknown };
      if (msg.t !== 'res' || msg.id !== 1) return;
      ws.close();
      if (msg.ok) resolve(msg.result);
      else reject(new Error(`${op}: ${JSON.stringify(msg.error)}`));
    });
    ws.on('error', reject);
  });
}

// KILN_E2E_MODES=all-in-one (or web) runs one of them.
const MODES: Mode[] = [webMode, allInOneMode()].filter((m) => !process.env.KILN_E2E_MODES || process.env.KILN_E2E_MODES.split(',').includes(m.name));

describe.each(MODES.map((mode) => [mode.name, mode] as const))('the window, %s mode', (_name, mode) => {
  let run: ModeRun;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    run = await mode.start();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    errors = collectErrors(page);
  });
  afterAll(async () => {
    await page?.close();
    await run?.stop();
  });

  it('runs a command in the terminal, shows its receipts, undoes and redoes it from the timeline', async () => {
    const shot = shooter(page, `modes-${mode.name}`);
    await openShell(page, run.url);
    await until('the token to leave the URL', async () => !(await page.evaluate(() => location.href)).includes('token') || undefined);
    await shot('session');
    // What this host cannot do is not offered at all (the all-in-one container is its one session).
    expect(await bridgeCall(run.url, 'app.info')).toMatchObject({ capabilities: mode.capabilities });
    const header = page.locator('header.session-header');
    expect(await header.getByRole('button', { name: 'Stop', exact: true }).count()).toBe(mode.capabilities.stopSessions ? 1 : 0);
    expect(await header.getByRole('button', { name: 'Remove', exact: true }).count()).toBe(mode.capabilities.removeSessions ? 1 : 0);
    expect(await header.getByRole('button', { name: 'Save as recipe' }).count()).toBe(1); // the header is there either way
    await page.keyboard.type('echo hi > a.txt');
    await page.keyboard.press('Enter');

    const group = echoGroup(page);
    await until('the command group with the file diff', async () => (await group.getByLabel('Changes to a.txt').count()) > 0 || undefined, 30_000);
    await group.getByText('exit 0').waitFor();
    expect(await group.getByLabel('Changes to a.txt').textContent()).toContain('hi');
    await shot('timeline');

    const file = join(run.workspace, 'a.txt');
    const original = readFileSync(file);
    expect(original.toString()).toBe('hi\n');

    await group.getByRole('button', { name: 'Undo to here' }).click();
    const dialog = page.getByRole('dialog');
    await until('the dialog to list a.txt', async () => (await dialog.textContent())?.includes('a.txt') || undefined, 10_000);
    expect(existsSync(file)).toBe(true); // nothing moved yet
    await dialog.getByRole('button', { name: 'Undo', exact: true }).click();
    await until('a.txt to go', () => !existsSync(file) || undefined, 15_000);
    await until('the undo in the timeline', async () => (await page.getByRole('feed').getByText('Undone').count()) > 0 || undefined, 15_000);
    await shot('undone');

    await page.getByRole('button', { name: 'Redo' }).first().click();
    await until('a.txt to come back', () => existsSync(file) || undefined, 15_000);
    expect(readFileSync(file).equals(original)).toBe(true);
    await shot('redone');

    const info = await page.evaluate(() => document.body.innerText);
    expect(info).not.toContain('The record lives only as long as this container'); // both modes keep the record
    expect(errors, errors.join('\n')).toEqual([]);
  });

  it('refuses the bridge without the token, with a wrong one, from a foreign Origin or Host', async () => {
    const page0 = new URL(run.url);
    const token = page0.hash.replace('#token=', '');
    const origin = page0.origin;
    const bridge = `ws://${page0.host}/bridge`;
    expect(await upgradeStatus(`${bridge}?token=${token}`, { Origin: origin })).toBe(101);
    expect(await upgradeStatus(bridge, { Origin: origin })).toBe(401);
    expect(await upgradeStatus(`${bridge}?token=${token.slice(0, -2)}xx`, { Origin: origin })).toBe(401);
    expect(await upgradeStatus(`${bridge}?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(`${bridge}?token=${token}`, { Origin: `http://localhost:${Number(page0.port) + 1}` })).toBe(403);
    expect(await upgradeStatus(`${bridge}?token=${token}`, { Origin: `http://evil.example:${page0.port}`, Host: `evil.example:${page0.port}` })).toBe(403);
  });

  it.runIf(mode.name === 'all-in-one')('keeps the timeline, checkpoints and undo across docker rm and a new docker run', async () => {
    const aio = (mode as ReturnType<typeof allInOneMode>).current!;
    const shot = shooter(page, 'modes-all-in-one-restart');
    aio.remove();
    expect(docker(['ps', '-aq', '--filter', `name=${aio.name}`]).stdout.trim()).toBe('');
    const again = await runAllInOne({ workspace: aio.workspace, volume: aio.volume, suffix: 'b' });
    (mode as ReturnType<typeof allInOneMode>).current = again;
    expect(again.url).not.toBe(aio.url); // a fresh token

    await openShell(page, again.url);
    const group = echoGroup(page);
    await until('the old command in the timeline', async () => (await group.count()) > 0 || undefined, 30_000);
    await shot('timeline-back');
    expect(existsSync(join(run.workspace, 'a.txt'))).toBe(true);
    // Undo works in the new container: a new command, its receipts, undone from the timeline.
    await page.keyboard.type('echo again > b.txt');
    await page.keyboard.press('Enter');
    const file = join(run.workspace, 'b.txt');
    const next = page.getByRole('feed', { name: 'Timeline receipts' }).getByRole('article').filter({ hasText: 'echo again > b.txt' });
    await until('the new command group with its diff', async () => (await next.getByLabel('Changes to b.txt').count()) > 0 || undefined, 30_000);
    await next.getByRole('button', { name: 'Undo to here' }).click();
    const dialog = page.getByRole('dialog');
    await until('the dialog to list b.txt', async () => (await dialog.textContent())?.includes('b.txt') || undefined, 10_000);
    await dialog.getByRole('button', { name: 'Undo', exact: true }).click();
    await until('b.txt to go after the restart', () => !existsSync(file) || undefined, 15_000);
    expect(existsSync(join(run.workspace, 'a.txt'))).toBe(true); // only what came after that checkpoint moved
    await shot('undone-after-restart');
  });

  it.runIf(mode.name === 'all-in-one')('says on the page that the record lives only as long as the container without a state volume', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'kiln-e2e-aio-novol-'));
    const bare = await runAllInOne({ workspace, suffix: 'novol' });
    try {
      const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await p.goto(bare.url);
      await p.getByRole('note', { name: 'Record not kept' }).waitFor({ timeout: 60_000 });
      expect(bare.log()).toContain('the record lives only as long as this container');
      await shooter(p, 'modes-all-in-one-novolume')('banner');
      await p.close();
    } finally {
      bare.remove();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
