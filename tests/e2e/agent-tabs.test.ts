// Issue 8's "a terminal per agent", beyond OpenCode: `kiln web` on the real engine and runtime
// image, Debian's Chromium driving the page by role and name. A session on the scripted model
// server (as the host's Ollama) → "New tab" offers a shell and every agent (Gemini CLI disabled:
// Ollama does not serve its API) → "Codex CLI" opens
// a tab whose terminal draws Codex's TUI for the session's model → a prompt typed into it runs
// the scripted tool and the answer shows. Screenshots in tests/.artifacts/e2e/agent-tabs-*.png.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { contextVariantName } from '../../src-main/models/context-variant';
import { DEFAULT_MODEL } from '../../src-main/models/default-model';
import { until } from '../support/until';
import { browserForTests, debugUrl, firstRunWindow, walkFirstRun } from './support/kiln-web';

const screen = (page: Page) => page.evaluate(() => (window as unknown as { kilnDebug: { screen(): string } }).kilnDebug.screen());

describe('the window: an agent tab from the "New tab" menu', () => {
  const model = contextVariantName(DEFAULT_MODEL.name, DEFAULT_MODEL.contextLength);
  const w = firstRunWindow(browserForTests(), {
    script: [{ model, toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from the tab\\n' > tab.txt", login: false } }] }],
    fallback: { text: 'Done: tab.txt written' },
  });

  it('opens Codex CLI in a new tab by role and name; its TUI answers a prompt', async () => {
    const { kiln, page } = w;
    await w.run('agent-tabs', async (shot) => {
      await (await walkFirstRun(page, debugUrl(kiln.url))).click(); // kilnDebug reads the TUI's screen
      const tablist = page.getByRole('tablist', { name: 'Terminals' });
      await tablist.waitFor({ timeout: 120_000 });
      await shot('session');

      const newTab = page.getByRole('button', { name: 'New tab' });
      await newTab.click();
      const menu = page.getByRole('menu', { name: 'New tab' });
      await menu.getByRole('menuitem', { name: /^Codex CLI/ }).waitFor();
      const items = await menu.getByRole('menuitem').evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label'), e.getAttribute('aria-disabled') === 'true']));
      // Gemini CLI is offered too, disabled: it needs the Gemini API, which Ollama does not serve.
      expect(items).toEqual([['Shell', false], ['OpenCode', false], ['Claude Code', false], ['Codex CLI', false], ['Gemini CLI', true]]);
      await shot('menu');
      await menu.getByRole('menuitem', { name: /^Codex CLI/ }).click();
      await expect.poll(() => menu.count()).toBe(0);

      const tab = tablist.getByRole('tab', { name: 'Codex CLI' });
      await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
      await until('Codex on screen with the session model', async () => {
        const s = await screen(page);
        return (s.includes('OpenAI Codex') && s.includes(model)) || undefined;
      }, 90_000);
      await shot('codex');

      const panel = page.locator('[role=tabpanel]:not([hidden])');
      await panel.click();
      // As a person types: Codex reads a burst of keys ending in Enter as a paste (Enter then adds a line).
      await page.keyboard.type('Create tab.txt', { delay: 40 });
      await page.waitForTimeout(500);
      await page.keyboard.press('Enter');
      const file = join(kiln.workspaces, (JSON.parse(kiln.cli(['ls', '--json']).stdout) as { id: string }[])[0]!.id, 'tab.txt');
      // printf creates the file, then writes: wait for its bytes, not only its name.
      await until('tab.txt from the tool', () => (existsSync(file) && readFileSync(file, 'utf8').length > 0) || undefined, 90_000);
      expect(readFileSync(file, 'utf8')).toBe('from the tab\n');
      await until("the model's answer on screen", async () => (await screen(page)).includes('Done: tab.txt written') || undefined, 30_000);
      await shot('codex-answered');
    }, async () => `\nscreen: ${await screen(page)}`);
  }, 400_000);
});
