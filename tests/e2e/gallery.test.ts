// Issue 9's window half, end to end: `kiln web` on the real engine, Chromium driven by role and
// name, a screenshot per step in tests/.artifacts/e2e/.
//   first run → a recipe folder DROPPED on the window (a DataTransfer built in the page holding
//   File objects with relative paths: playwright cannot hand the page a real folder entry) → the
//   gallery shows its card with its lineage (parent = the built-in build-anything) → a malformed
//   recipe dropped shows its problems next to its file and adds no card → Start → the session
//   runs it: its start event carries the recipe hash (`kiln timeline <id> --json`).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until';
import { browserForTests, firstRunWindow, root, walkFirstRun } from './support/kiln-web';

const browser = browserForTests();


/** Drops files on the window as a person's drop would arrive: a DataTransfer with File objects. */
async function drop(page: Page, files: Record<string, string>): Promise<void> {
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const [path, text] of Object.entries(files)) dt.items.add(new File([text], path, { type: 'application/octet-stream' }));
    const target = document.querySelector('main') ?? document.body;
    target.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, files);
}

describe('the gallery: drop a recipe, see its lineage, start it', () => {
  const w = firstRunWindow(browser);

  it('imports a dropped folder with its lineage, refuses a malformed one, starts the recipe', () => w.run('gallery', flow));

  async function flow(shot: (step: string) => Promise<void>) {
    const { kiln, page } = w;
    const hashed = kiln.cli(['recipe', 'hash', join(root, 'resources', 'recipes', 'build-anything')]);
    const parent = /sha256:[0-9a-f]{64}/.exec(hashed.stdout)?.[0];
    expect(parent, hashed.stderr).toBeTruthy();

    await walkFirstRun(page, kiln.url);
    await shot('first-run');

    // A recipe folder dropped on the window (files with their paths under the folder's name).
    const recipe = {
      format: 0,
      name: 'careful-builder',
      description: 'A builder that explains each step before it takes it.',
      author: 'E2E',
      version: '1.0.0',
      parent,
      agents: [{ id: 'builder', agent: 'opencode', role: 'Builds carefully.', prompt: 'roles/builder.md', model: 'default' }],
    };
    await drop(page, {
      'careful-builder/recipe.json': JSON.stringify(recipe, null, 2),
      'careful-builder/roles/builder.md': 'You are a careful builder. Say what you will change, then change it.\n',
    });
    const card = page.getByRole('article', { name: 'careful-builder' });
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.textContent()).toContain('forked from build-anything');
    expect(await card.textContent()).toContain(parent!.slice(7, 19));
    await page.getByRole('status', { name: 'Import result' }).waitFor();
    await shot('dropped-card');

    // The built-ins are there too, each with Start and Fork.
    const cards = page.getByRole('article');
    const before = await cards.count();
    expect(before).toBeGreaterThanOrEqual(7);
    await page.getByRole('button', { name: 'Start build-anything' }).waitFor();

    // A malformed recipe: its problems next to its file, no card added.
    await drop(page, {
      'broken/recipe.json': JSON.stringify({ format: 0, name: 'Broken Name!', agents: [{ id: 'a', agent: 'opencode', prompt: 'roles/missing.md' }] }),
    });
    const problems = page.getByRole('list', { name: 'Recipe problems' });
    await problems.waitFor({ timeout: 30_000 });
    const text = (await problems.textContent()) ?? '';
    expect(text).toContain('recipe.json');
    expect(text).toContain('$.');
    expect(await page.getByRole('alert', { name: 'Import result' }).textContent()).toContain('Nothing was added');
    expect(await cards.count()).toBe(before);
    await shot('malformed');

    // Fork the dropped recipe: a new folder, parent = its hash, shown with its lineage.
    await card.getByRole('button', { name: 'Fork careful-builder' }).click();
    const fork = page.getByRole('dialog', { name: 'Fork careful-builder' });
    await fork.getByRole('textbox', { name: 'Name' }).fill('careful-fork');
    await fork.getByRole('textbox', { name: 'Folder' }).fill(join(kiln.home, 'forks', 'careful-fork'));
    await fork.getByRole('button', { name: 'Fork' }).click();
    const forked = page.getByRole('article', { name: 'careful-fork' });
    await forked.waitFor({ timeout: 30_000 });
    await expect.poll(() => forked.textContent()).toContain('forked from careful-builder');
    await shot('forked');

    // Start the dropped recipe: the session opens, its start event carries the recipe hash.
    const hash = (await card.locator('code[title^="sha256:"]').getAttribute('title'))!;
    await card.getByRole('button', { name: 'Start careful-builder' }).click();
    await shot('starting');
    const tablist = page.getByRole('tablist', { name: 'Terminals' });
    await tablist.waitFor({ timeout: 180_000 });
    await shot('session');
    const sessions = JSON.parse(kiln.cli(['ls', '--json']).stdout) as { id: string; recipe?: string }[];
    expect(sessions).toHaveLength(1);
    const id = sessions[0]!.id;
    const timeline = await until('the start event with the recipe hash', () => {
      const out = kiln.cli(['timeline', id, '--json']).stdout;
      return out.includes(hash) ? out : undefined;
    });
    expect(timeline).toContain(hash);

    // Save as recipe on the session header: it lands in the gallery (same hash as the recipe).
    await page.getByRole('button', { name: 'Save as recipe' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as recipe' });
    const dir = join(kiln.home, 'saved', 'careful-builder');
    await dialog.getByRole('textbox', { name: 'Folder' }).fill(dir);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('status').waitFor({ timeout: 30_000 });
    await shot('saved');
    expect(readFileSync(join(dir, 'recipe.json'), 'utf8')).toContain('careful-builder');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Recipes' }).click();
    await page.getByRole('article', { name: 'careful-builder' }).first().waitFor();
    await shot('gallery-after-save');

    // The import button's folder input (webkitdirectory), handed a real folder on disk.
    const folder = join(mkdtempSync(join(tmpdir(), 'kiln-e2e-recipe-')), 'quiet-builder');
    mkdirSync(join(folder, 'roles'), { recursive: true });
    writeFileSync(join(folder, 'recipe.json'), JSON.stringify({ ...recipe, name: 'quiet-builder', description: 'Builds without chatter.' }));
    writeFileSync(join(folder, 'roles', 'builder.md'), 'You build quietly.\n');
    await page.getByLabel('Recipe folder').setInputFiles(folder);
    await page.getByRole('article', { name: 'quiet-builder' }).waitFor({ timeout: 30_000 });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await shot('folder-input-dark');

    // A kiln:// link on the page address that cannot be opened: its sentence, no card, no start.
    const origin = new URL(kiln.url).origin;
    await page.goto(`${origin}/?link=${encodeURIComponent('kiln://recipe?url=ftp://nowhere.invalid/x')}`);
    await page.getByRole('heading', { name: 'Recipes' }).waitFor({ timeout: 30_000 });
    await page.getByRole('alert').first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => location.search)).toBe('');
    await shot('bad-link');
    expect((JSON.parse(kiln.cli(['ls', '--json']).stdout) as unknown[]).length).toBe(1);
  }
});
