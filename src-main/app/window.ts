// The main window's options: the security settings of security.ts plus the remembered bounds.
import type { BrowserWindowConstructorOptions } from 'electron';
import { SECURE_WEB_PREFERENCES } from './security';
import { MIN_SIZE, type WindowState } from './window-state';

export function windowOptions(state: WindowState, preload: string): BrowserWindowConstructorOptions {
  return {
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Kiln',
    show: false, // shown on ready-to-show: no white flash
    backgroundColor: '#1e1e1e',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload },
  };
}
