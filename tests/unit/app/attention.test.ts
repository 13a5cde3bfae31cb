import { describe, expect, it } from 'vitest';
import { pushMessage } from '../../../src-shared/api/rpc';
import { createAttention, finishedTitle } from '../../../src-main/app/attention';
import { HELP_LINKS, menuTemplate } from '../../../src-main/app/menu';
import { isSafeExternalUrl } from '../../../src-main/app/security';

function setup(foreground: boolean) {
  const notes: string[] = [];
  const badges: number[] = [];
  const state = { foreground };
  const a = createAttention({ isForeground: () => state.foreground, notify: (t, b) => notes.push(`${t}: ${b}`), setBadge: (n) => badges.push(n) });
  return { a, notes, badges, state };
}

describe('long tasks finishing in the background', () => {
  it('notify and badge once per finished image build or model pull; focus clears the badge', () => {
    const { a, notes, badges, state } = setup(false);
    a.onPush(pushMessage('progress', { task: 'image.build', message: 'Step 3/9', current: 3, total: 9 }));
    a.onPush(pushMessage('progress', { task: 'image.build', message: 'Built kiln/runtime:0.1.0', done: true }));
    a.onPush(pushMessage('progress', { task: 'models.pull:qwen2.5-coder:7b', message: 'success', done: true }));
    a.onPush(pushMessage('progress', { task: 'sessions.create:abc', message: 'ready', done: true })); // not a long task
    a.onPush(pushMessage('sessions.changed', { sessions: [] }));
    expect(notes).toEqual(['The runtime image is ready: Built kiln/runtime:0.1.0', 'qwen2.5-coder:7b is downloaded: success']);
    expect(badges).toEqual([1, 2]);
    state.foreground = true;
    a.onFocus();
    expect(badges).toEqual([1, 2, 0]);
    expect(a.pending).toBe(0);
  });

  it('stay quiet while the window is in front', () => {
    const { a, notes, badges } = setup(true);
    a.onPush(pushMessage('progress', { task: 'image.build', message: 'done', done: true }));
    a.onFocus();
    expect(notes).toEqual([]);
    expect(badges).toEqual([]);
    expect(finishedTitle('models.pull:llama3')).toBe('llama3 is downloaded');
  });
});

describe('the native menus', () => {
  const noop = { openExternal: () => {}, showLogs: () => {} };
  it('on macOS: the app menu first, then File, Edit with copy and paste, View, Window, Help', () => {
    const menu = menuTemplate('darwin', 'Kiln', noop);
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['Kiln', 'File', 'Edit', 'View', 'window', 'help']);
    const edit = menu.find((m) => m.label === 'Edit')!.submenu as { role?: string }[];
    expect(edit.map((i) => i.role)).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo', 'redo']));
    const app = menu[0]!.submenu as { role?: string }[];
    expect(app.map((i) => i.role)).toEqual(expect.arrayContaining(['about', 'hide', 'quit']));
  });

  it('elsewhere: no app menu; Help opens only vetted https pages', () => {
    const opened: string[] = [];
    const menu = menuTemplate('linux', 'Kiln', { ...noop, openExternal: (u) => opened.push(u) });
    expect(menu.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'window', 'help']);
    for (const item of menu.at(-1)!.submenu as { click?: () => void }[]) item.click?.();
    expect(opened).toEqual(HELP_LINKS.map((l) => l.url));
    expect(opened.every(isSafeExternalUrl)).toBe(true);
  });
});
