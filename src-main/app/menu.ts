// The native menus: the macOS app menu, Edit (copy and paste work in the terminal and forms
// through these roles), View, Window, Help. A template only; main builds it with Menu.
import type { MenuItemConstructorOptions } from 'electron';

/** Help links: https only (they go through the same check as any external link). */
export const HELP_LINKS = [
  { label: 'Install Docker', url: 'https://docs.docker.com/get-started/get-docker/' },
  { label: 'Ollama for your computer', url: 'https://ollama.com/download' },
] as const;

export interface MenuActions {
  openExternal(url: string): void;
  showLogs(): void;
}

export function menuTemplate(platform: NodeJS.Platform, appName: string, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    submenu: [
      { role: 'about' },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'pasteAndMatchStyle' },
      { role: 'delete' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const windowMenu: MenuItemConstructorOptions = {
    role: 'window',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      ...HELP_LINKS.map((l): MenuItemConstructorOptions => ({ label: l.label, click: () => actions.openExternal(l.url) })),
      { type: 'separator' },
      { label: 'Show Logs', click: () => actions.showLogs() },
    ],
  };
  return [...(mac ? [appMenu] : []), file, edit, view, windowMenu, help];
}
