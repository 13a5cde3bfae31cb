// Terminal tabs as VS Code's panel has them: `kiln web` on the real engine and runtime image,
// Debian's Chromium driving the page by role and name, a session whose model is the scripted
// model server as the host's Ollama. A second shell opens from "New tab" and runs `sleep`; its
// "Close Shell 2" button ends that process in the workspace container and the host forgets the
// terminal; Ctrl+Shift+W and a middle click close the rest; the empty panel opens a new shell,
// whose `exit 3` shows on its tab, also after a reload (where the closed tabs stay closed). Gemini CLI (which needs the Gemini API that Ollama does not
// serve) is offered disabled with its reason. Screenshots in tests/.artifacts/e2e/terminal-tabs-*.png.
import Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until';
import { connectBridge, type WsClient } from '../integration/main/server/ws-transport';
import { browserForTests, debugUrl, firstRunWindow, walkFirstRun, type KilnWeb } from './support/kiln-web';

const docker = new Docker();
const screen = (page: Page) => page.evaluate(() => (window as unknown as { kilnDebug: { screen(): string } }).kilnDebug.screen());

/** A second client of the same `kiln web` (what the host knows, not what the page shows). */
async function hostBridge(kiln: KilnWeb): Promise<WsClient> {
  const u = new URL(kiln.url);
  const token = new URLSearchParams(u.hash.replace(/^#/, '')).get('token') ?? u.searchParams.get('token');
  if (!token) throw new Error(`no token in ${kiln.url}`);
  return connectBridge(Number(u.port), token);
}

/** Command lines of every process in the session's containers (docker top: no exec, the host's ps). */
async function processes(session: string): Promise<string[]> {
  const out: string[] = [];
  for (const c of await docker.listContainers({ filters: { label: [`kiln.session=${session}`] } })) {
    const top = (await docker.getContainer(c.Id).top({ ps_args: '-o pid,args' })) as { Processes?: string[][] };
    for (const p of top.Processes ?? []) out.push(p.slice(1).join(' '));
  }
  return out;
}

describe('the window: terminal tabs close, and agents the model cannot serve are offered disabled', () => {
  const w = firstRunWindow(browserForTests());

  it('closes a tab with its Close button (its process ends, the host forgets it), by keyboard and middle click; empty panel; exit code on the tab', async () => {
    const { kiln, page } = w;
    let bridge: WsClient | undefined;
    await w.run('terminal-tabs', async (shot) => {
      await (await walkFirstRun(page, debugUrl(kiln.url))).click();
      const tablist = page.getByRole('tablist', { name: 'Terminals' });
      await tablist.waitFor({ timeout: 120_000 });
      const tabNames = () => tablist.getByRole('tab').evaluateAll((els) => els.map((e) => e.firstChild?.textContent ?? ''));
      await expect.poll(tabNames).toEqual(['OpenCode', 'Shell']);
      const session = (JSON.parse(kiln.cli(['ls', '--json']).stdout) as { id: string }[])[0]!.id;
      bridge = await hostBridge(kiln);
      const b = bridge;
      const shells = async () => (await b.call('terminal.list', { id: session })).filter((t) => t.kind === 'shell');

      // Gemini CLI speaks only the Gemini API: shown, disabled, with the reason.
      const newTab = page.getByRole('button', { name: 'New tab' });
      await newTab.click();
      const menu = page.getByRole('menu', { name: 'New tab' });
      const gemini = menu.getByRole('menuitem', { name: 'Gemini CLI', exact: true });
      await gemini.waitFor();
      expect(await menu.getByRole('menuitem').evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label'), e.getAttribute('aria-disabled')]))).toEqual([
        ['Shell', null],
        ['OpenCode', null],
        ['Claude Code', null],
        ['Codex CLI', null],
        ['Gemini CLI', 'true'],
      ]);
      const reason = "Gemini CLI needs the Gemini API, which this session's local Ollama model does not serve.";
      expect(await gemini.getAttribute('aria-description')).toBe(`${reason} Use OpenCode, Claude Code or Codex CLI in this session, or start one on a model Gemini CLI can use.`);
      expect(await gemini.getAttribute('title')).toBe(await gemini.getAttribute('aria-description'));
      expect(await gemini.textContent()).toContain(reason);
      await gemini.hover();
      await shot('menu-gemini-disabled');
      await gemini.click({ force: true }); // off: nothing opens, the menu stays
      expect(await menu.count()).toBe(1);
      expect(await tabNames()).toEqual(['OpenCode', 'Shell']);

      // A second shell; a long command in it.
      await menu.getByRole('menuitem', { name: 'Shell', exact: true }).click();
      const second = tablist.getByRole('tab', { name: 'Shell 2' });
      await expect.poll(() => second.getAttribute('aria-selected')).toBe('true');
      await until('a prompt in Shell 2', async () => /[$#]\s*$/m.test(await screen(page)) || undefined, 60_000);
      await page.locator('[role=tabpanel]:not([hidden])').click();
      await page.keyboard.type('sleep 7777\r');
      await until('sleep 7777 in the workspace', async () => (await processes(session)).some((p) => p === 'sleep 7777') || undefined, 30_000);
      await until('two shells on the host', async () => (await shells()).length === 2 || undefined, 30_000);
      await shot('second-shell');

      // Its close button: the tab goes, the neighbour is current, the process ends, the host forgets it.
      const before = (await shells()).map((t) => t.terminal);
      await page.getByRole('button', { name: 'Close Shell 2' }).click();
      await expect.poll(tabNames).toEqual(['OpenCode', 'Shell']);
      expect(await tablist.getByRole('tab', { name: 'Shell', exact: true }).getAttribute('aria-selected')).toBe('true');
      await until('the host forgot the closed terminal', async () => (await shells()).length === 1 || undefined, 15_000);
      const left = (await shells()).map((t) => t.terminal);
      expect(before).toEqual(expect.arrayContaining(left));
      await until('sleep 7777 ended in the workspace', async () => !(await processes(session)).some((p) => p === 'sleep 7777') || undefined, 15_000);
      await shot('closed-by-button');

      // Ctrl+Shift+W in the current terminal closes its tab; a middle click closes OpenCode's.
      await page.locator('[role=tabpanel]:not([hidden])').click();
      await page.keyboard.press('Control+Shift+W');
      await expect.poll(tabNames).toEqual(['OpenCode']);
      await tablist.getByRole('tab', { name: 'OpenCode' }).click({ button: 'middle' });
      await expect.poll(tabNames).toEqual([]);
      await until('no terminal left on the host', async () => (await b.call('terminal.list', { id: session })).length === 0 || undefined, 15_000);
      const openShell = page.getByRole('button', { name: 'Open a shell' });
      await openShell.waitFor();
      expect(await page.getByText('No terminal is open in this session.').count()).toBe(1);
      await expect.poll(() => openShell.evaluate((e) => e === document.activeElement)).toBe(true);
      await shot('empty');

      // A process that ends on its own: its tab stays and says how.
      await openShell.click();
      const again = tablist.getByRole('tab', { name: /^Shell/ });
      await expect.poll(() => again.getAttribute('aria-selected')).toBe('true');
      await until('a prompt in the new shell', async () => /[$#]\s*$/m.test(await screen(page)) || undefined, 60_000);
      await page.locator('[role=tabpanel]:not([hidden])').click();
      await page.keyboard.type('exit 3\r');
      await expect.poll(() => again.textContent(), { timeout: 15_000 }).toBe('Shellexited (code 3)');
      expect((await b.call('terminal.list', { id: session })).map((t) => t.exited)).toEqual([true]);
      await shot('exited');

      // After a reload: the exited tab is still there with its code; the closed OpenCode tab stays closed.
      await page.reload();
      await tablist.waitFor({ timeout: 60_000 });
      await expect.poll(tabNames).toEqual(['Shell']);
      await expect.poll(() => tablist.getByRole('tab').first().textContent(), { timeout: 15_000 }).toBe('Shellexited (code 3)');
      await shot('reloaded');

      // The record of it: the command the closing tab killed ends with 129 (SIGHUP), the shells
      // that left at their prompt added no command, `exit 3` is there with its code.
      const commands = async () => (await b.call('timeline.query', { id: session, kinds: [4601], limit: 5000 })).events
        .map((e) => JSON.parse(e.content) as { type: string; command?: string; exitCode?: number })
        .filter((c) => c.type === 'command')
        .map((c) => `${c.command} → ${c.exitCode}`)
        .sort();
      await expect.poll(commands, { timeout: 15_000 }).toEqual(['exit 3 → 3', 'sleep 7777 → 129']);
    }, async () => `\nscreen: ${await screen(page)}`);
    bridge?.close();
  }, 400_000);
});
