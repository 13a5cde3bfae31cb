import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clampToDisplays, DEFAULT_SIZE, loadWindowState, readWindowState, saveWindowState } from '../../../src-main/app/window-state';

const LAPTOP = { x: 0, y: 25, width: 1440, height: 875 };
const MONITOR = { x: 1440, y: 0, width: 2560, height: 1440 };
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kiln-winstate-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the remembered window', () => {
  it('comes back where it was', () => {
    const file = join(dir, 'window-state.json');
    saveWindowState(file, { x: 1600, y: 100, width: 1400, height: 900, maximized: true });
    expect(loadWindowState(file, [LAPTOP, MONITOR])).toEqual({ x: 1600, y: 100, width: 1400, height: 900, maximized: true });
  });

  it('is centred on the primary display when its monitor is gone', () => {
    expect(clampToDisplays({ x: 1600, y: 100, width: 1400, height: 900, maximized: false }, [LAPTOP])).toEqual({ x: 20, y: 25, width: 1400, height: 875, maximized: false });
  });

  it('is shrunk and pulled inside a display it only partly covers', () => {
    expect(clampToDisplays({ x: 1000, y: -50, width: 3000, height: 2000, maximized: false }, [LAPTOP])).toEqual({ x: 0, y: 25, width: 1440, height: 875, maximized: false });
  });

  it('starts at the default size, centred, with nothing saved, a damaged file or values not ours', () => {
    const file = join(dir, 'window-state.json');
    const fresh = loadWindowState(file, [LAPTOP]);
    expect(fresh).toEqual({ x: 80, y: 53, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height, maximized: false });
    for (const junk of ['{', '{"x":"1","y":0,"width":10,"height":10}', '{"x":0,"y":0,"width":-5,"height":10}', '{"x":1e9,"y":0,"width":800,"height":600}', 'null']) {
      writeFileSync(file, junk);
      expect(readWindowState(file), junk).toBeUndefined();
      expect(loadWindowState(file, [LAPTOP])).toEqual(fresh);
    }
  });

  it('writes a small JSON file, whole', () => {
    const file = join(dir, 'sub', 'window-state.json');
    saveWindowState(file, { x: 10.4, y: 20.6, width: 1000, height: 700, maximized: false });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 10, y: 21, width: 1000, height: 700, maximized: false });
  });
});
