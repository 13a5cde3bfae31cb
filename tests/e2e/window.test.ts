// Issue 8's window, end to end: `kiln web` on the real engine and runtime image, driven by
// Debian's Chromium as a person would (controls found by role and name), a screenshot per step
// in tests/.artifacts/e2e/.
//   1. first run with a host Ollama (the scripted model server) → first session → its terminal
//      focused → `echo hi > a.txt` → the timeline shows checkpoint, command and file receipt
//      with its diff → "Undo to here" (the dialog lists a.txt) → a.txt gone, the undo shown →
//      "Redo" → a.txt back byte for byte. No console error on the page.
//   2. first run with no Ollama answering → "Start a local model" runs the Ollama container
//      (a stand-in under ollama/ollama:latest) and the pull shows a progress bar.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until';
import { browserForTests, collectErrors, firstRunWindow, shooter, startKilnWeb, walkFirstRun, type KilnWeb } from './support/kiln-web';

const docker = new Docker();
const browser = browserForTests();


describe('the window: first run to undo and redo', () => {
  const w = firstRunWindow(browser);

  it('goes from first run to a session, records a command, undoes and redoes it', () => w.run('flow', flow));

  async function flow(shot: (step: string) => Promise<void>) {
    const { kiln, page } = w;
    // First run: engine and runtime image are there, the host Ollama answers: one step left.
    const start = await walkFirstRun(page, kiln.url);
    // The token left the address bar.
    await until('the token to leave the URL', async () => !(await page.evaluate(() => location.href)).includes('token') || undefined);
    // The terminals' test view is only on a page whose address asks for it (support's debugUrl).
    expect(await page.evaluate(() => 'kilnDebug' in window)).toBe(false);
    await shot('first-run');
    await start.click();
    await page.getByRole('progressbar', { name: 'Starting the session' }).waitFor({ timeout: 10_000 }).catch(() => undefined);
    await shot('starting');

    // The session is up: tabs for its agents and a shell, the first terminal focused.
    const tablist = page.getByRole('tablist', { name: 'Terminals' });
    await tablist.waitFor({ timeout: 120_000 });
    const firstTab = tablist.getByRole('tab').first();
    await expect.poll(() => firstTab.getAttribute('aria-selected')).toBe('true');
    await until('the first terminal to take the keyboard', () =>
      page.evaluate(() => !!document.activeElement?.closest('[role=tabpanel]:not([hidden])') || undefined),
    );
    await until('the first terminal to draw', async () => (await page.locator('[role=tabpanel]:not([hidden])').getAttribute('data-state')) === 'live' || undefined, 60_000);
    await shot('session');

    // The shell tab: type a command that writes a file.
    await tablist.getByRole('tab', { name: 'Shell' }).click();
    const shell = page.locator('[role=tabpanel]:not([hidden])');
    await until('the shell prompt', async () => (await shell.getAttribute('data-state')) === 'live' || undefined, 60_000);
    await shell.click();
    await page.keyboard.type('echo hi > a.txt');
    await page.keyboard.press('Enter');
    const typedAt = Date.now();

    const feed = page.getByRole('feed', { name: 'Timeline receipts' });
    const group = feed.getByRole('article').filter({ hasText: 'echo hi > a.txt' });
    await until('the command group with the file diff', async () => (await group.getByLabel('Changes to a.txt').count()) > 0 || undefined, 20_000);
    const shownMs = Date.now() - typedAt;
    process.stderr.write(`[e2e] command → checkpoint, command and file receipt with diff in the timeline: ${shownMs} ms\n`);
    await group.getByRole('button', { name: 'Undo to here' }).waitFor();
    await group.getByText('exit 0').waitFor();
    expect(await group.getByLabel('Changes to a.txt').textContent()).toContain('hi');
    await shot('timeline');

    const workspace = join(kiln.workspaces, readdirSync(kiln.workspaces)[0]!);
    const file = join(workspace, 'a.txt');
    const original = readFileSync(file);
    expect(original.toString()).toBe('hi\n');

    // Undo to the checkpoint before the command: the dialog lists what will change first.
    await group.getByRole('button', { name: 'Undo to here' }).click();
    const dialog = page.getByRole('dialog');
    await until('the dialog to list a.txt', async () => (await dialog.textContent())?.includes('a.txt') || undefined, 10_000);
    await shot('undo-dialog');
    expect(existsSync(file)).toBe(true); // nothing moved yet
    await dialog.getByRole('button', { name: 'Undo', exact: true }).click();
    await until('a.txt to go', () => !existsSync(file) || undefined, 15_000);
    await until('the undo in the timeline', async () => (await feed.getByText('Undone').count()) > 0 || undefined, 15_000);
    await shot('undone');

    // Redo, right there.
    await page.getByRole('button', { name: 'Redo' }).first().click();
    await until('a.txt to come back', () => existsSync(file) || undefined, 15_000);
    expect(readFileSync(file).equals(original)).toBe(true);
    await until('the redo in the timeline', async () => (await feed.getByText('Redone', { exact: true }).count()) > 0 || undefined, 15_000);
    await shot('redone');

    // The chain badge verified the whole record.
    await until('the chain badge', async () => ((await page.getByRole('button', { name: /all signed and linked/ }).count()) > 0 ? true : undefined), 15_000);
    await shot('verified');

    // A reload lands on the same session with its timeline (and the terminals reattach).
    await page.reload();
    await page.getByRole('tablist', { name: 'Terminals' }).waitFor({ timeout: 30_000 });
    await until('the timeline after reload', async () => (await page.getByRole('feed').getByText('echo hi > a.txt').count()) > 0 || undefined, 15_000);
    await shot('reloaded');

    // Settings, then the dark theme.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    await shot('settings');
    await page.getByText('Dark', { exact: true }).click(); // the radio's label
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    await until('the dark theme', async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark' || undefined, 5000);
    await shot('settings-dark');
    await page.locator('button.session-item').first().click();
    await page.getByRole('tablist', { name: 'Terminals' }).waitFor();
    await page.waitForTimeout(500);
    await shot('session-dark');

    // Remove asks first and says the workspace folder is kept.
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    const confirm = page.getByRole('dialog');
    expect(await confirm.textContent()).toContain('workspace folder is kept');
    await shot('remove-dialog');
    await confirm.getByRole('button', { name: 'Remove session' }).click();
    await page.getByRole('button', { name: 'Start a session' }).waitFor({ timeout: 60_000 }); // back to first run: no session left
    expect(existsSync(workspace)).toBe(true);
    await shot('removed');
  }
});

describe('the window: first run without an Ollama', () => {
  let kiln: KilnWeb;
  let page: Page;
  let errors: string[];
  let hadOllamaContainer = true;

  beforeAll(async () => {
    hadOllamaContainer = await docker.getContainer('kiln-ollama').inspect().then(() => true, () => false);
    // Nothing answers at OLLAMA_HOST (a closed port on this machine).
    kiln = await startKilnWeb({ OLLAMA_HOST: 'http://127.0.0.1:9' });
    page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    errors = collectErrors(page);
  });
  afterAll(async () => {
    await page?.close();
    await kiln?.stop();
    if (!hadOllamaContainer) await docker.getContainer('kiln-ollama').remove({ force: true }).catch(() => undefined);
  });

  it('"Start a local model" runs Ollama in a container and the pull shows progress', async () => {
    const shot = shooter(page, 'local-model');
    try {
      await localModel(shot);
    } catch (err) {
      await shot('failure');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\npage: ${(await page.textContent('body'))?.slice(0, 600)}\nkiln web: ${kiln.log().slice(-1500)}`, { cause: err });
    }
    expect(errors, errors.join('\n')).toEqual([]);
  });

  async function localModel(shot: (step: string) => Promise<void>) {
    await page.goto(kiln.url);
    const startLocal = page.getByRole('button', { name: 'Start a local model' });
    await startLocal.waitFor({ timeout: 60_000 });
    expect(await page.getByRole('main').textContent()).toMatch(/\d+(\.\d)? (GB|MB)/); // the size, before any download
    expect(await page.getByRole('link', { name: 'Get Ollama' }).getAttribute('href')).toBe('https://ollama.com/download');
    await page.getByRole('button', { name: 'Use a cloud API key instead' }).waitFor();
    await shot('model-step');
    await startLocal.click();
    const bar = page.getByRole('progressbar', { name: /Downloading/ });
    await bar.waitFor({ timeout: 120_000 });
    await until('download progress', async () => Number((await bar.getAttribute('aria-valuenow')) ?? 0) > 0 || undefined, 120_000);
    await shot('pulling');
    const state = await docker.getContainer('kiln-ollama').inspect();
    expect(state.State.Running).toBe(true);
    expect(state.HostConfig.PortBindings?.['11434/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
  }
});
