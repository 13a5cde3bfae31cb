// The window's size and position, remembered in a small JSON file in userData. What is read back
// is validated and clamped to a display that exists now (a monitor may have gone since).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface Rect { x: number; y: number; width: number; height: number }
export interface WindowState extends Rect { maximized: boolean }

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** How much of the window must lie on a display for the saved position to be kept. */
const MIN_VISIBLE = { width: 200, height: 100 };

const Int = z.number().int().min(-100_000).max(100_000);
const StateSchema = z.object({ x: Int, y: Int, width: Int.positive(), height: Int.positive(), maximized: z.boolean().default(false) });

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function centred(area: Rect, width: number, height: number): Rect {
  const w = Math.min(width, area.width);
  const h = Math.min(height, area.height);
  return { x: area.x + Math.round((area.width - w) / 2), y: area.y + Math.round((area.height - h) / 2), width: w, height: h };
}

/**
 * A state that fits the displays' work areas (the first is the primary): kept where it was when
 * enough of it shows on one, shrunk to that display and pulled inside it; else centred on the primary.
 */
export function clampToDisplays(saved: WindowState | undefined, workAreas: Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  if (!saved) return { ...centred(primary, DEFAULT_SIZE.width, DEFAULT_SIZE.height), maximized: false };
  const host = workAreas.find((area) => {
    const o = overlap(saved, area);
    return o.width >= Math.min(MIN_VISIBLE.width, saved.width) && o.height >= Math.min(MIN_VISIBLE.height, saved.height);
  });
  if (!host) return { ...centred(primary, saved.width, saved.height), maximized: saved.maximized };
  const width = Math.min(Math.max(saved.width, Math.min(MIN_SIZE.width, host.width)), host.width);
  const height = Math.min(Math.max(saved.height, Math.min(MIN_SIZE.height, host.height)), host.height);
  const x = Math.min(Math.max(saved.x, host.x), host.x + host.width - width);
  const y = Math.min(Math.max(saved.y, host.y), host.y + host.height - height);
  return { x, y, width, height, maximized: saved.maximized };
}

/** The saved state, or undefined when there is none or it is not one we wrote. */
export function readWindowState(file: string): WindowState | undefined {
  try {
    const parsed = StateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function loadWindowState(file: string, workAreas: Rect[]): WindowState {
  return clampToDisplays(readWindowState(file), workAreas);
}

export function saveWindowState(file: string, state: WindowState): void {
  const clean = StateSchema.parse({ ...state, x: Math.round(state.x), y: Math.round(state.y), width: Math.round(state.width), height: Math.round(state.height) });
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(clean) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}
