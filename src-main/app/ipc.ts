// Every IPC handler main registers, each behind the same two gates: the sender must be our own
// top-level page (isTrustedSender) and the input must parse against its zod schema. Replies carry
// a KilnError (code, sentence, next step) rather than a thrown Error, so nothing is lost crossing
// the boundary. Electron comes in as a parameter (its ipcMain), so tests drive the real table.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { dispatch, type Handlers, type WireMessage } from '../../src-shared/api/rpc';
import { kilnError, toKilnError, type KilnError } from '../../src-shared/errors';
import { BRIDGE_CHANNEL, CHECK_RECIPE_FOLDER, PICK_RECIPE_FOLDER } from './channel';
import type { CheckedFolder } from './recipe-folder';
import { isTrustedSender } from './security';

export type Reply<T> = { ok: true; result: T } | { ok: false; error: KilnError };

export const FORBIDDEN: KilnError = kilnError('E_IPC_FORBIDDEN', 'This request did not come from the Kiln window, so it was refused.', 'Reload the window (View → Reload).');

/** The bridge's request message; `dispatch` then validates `input` against the contract. */
export const BridgeRequestSchema = z.object({
  t: z.literal('req'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  op: z.string().min(1).max(100),
  input: z.unknown(),
});

export const CheckFolderInput = z.object({ path: z.string().min(1).max(4096) }).strict();
export const PickFolderInput = z.object({}).strict();

type IpcLike = Pick<IpcMain, 'handle'>;
type Event = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/** One invoke channel: sender checked, input zod-parsed, errors kept whole. */
export function handleChecked<S extends z.ZodType, T>(ipc: IpcLike, channel: string, schema: S, fn: (input: z.output<S>) => Promise<T> | T): void {
  ipc.handle(channel, async (event: Event, raw: unknown): Promise<Reply<T>> => {
    if (!isTrustedSender(event.senderFrame)) return { ok: false, error: FORBIDDEN };
    const input = schema.safeParse(raw ?? {});
    if (!input.success) {
      const detail = input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
      return { ok: false, error: kilnError('E_IPC_BAD_INPUT', `The window sent an invalid request on ${channel}: ${detail}.`, 'Reload the window (View → Reload).') };
    }
    try {
      return { ok: true, result: await fn(input.data) };
    } catch (err) {
      return { ok: false, error: toKilnError(err) };
    }
  });
}

export interface DesktopIpcDeps {
  /** The bridge table; may still be coming up (services are created after the window shows). */
  handlers: () => Handlers | Promise<Handlers>;
  checkRecipeFolder: (path: string) => Promise<CheckedFolder>;
  /** The native picker; null when the person cancels. Its answer is checked like a drop. */
  pickFolder: () => Promise<string | null>;
}

/** Registers every channel main answers; returns their names (the tests check none is unguarded). */
export function registerIpc(ipc: IpcLike, deps: DesktopIpcDeps): string[] {
  ipc.handle(BRIDGE_CHANNEL, async (event: Event, raw: unknown): Promise<WireMessage> => {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    if (!isTrustedSender(event.senderFrame)) return { t: 'res', id, ok: false, error: FORBIDDEN };
    const req = BridgeRequestSchema.safeParse(raw);
    if (!req.success) {
      return { t: 'res', id, ok: false, error: kilnError('E_IPC_BAD_MESSAGE', 'The window sent a malformed bridge message.', 'Reload the window (View → Reload).') };
    }
    return dispatch(await deps.handlers(), req.data);
  });
  handleChecked(ipc, CHECK_RECIPE_FOLDER, CheckFolderInput, ({ path }) => deps.checkRecipeFolder(path));
  handleChecked(ipc, PICK_RECIPE_FOLDER, PickFolderInput, async () => {
    const picked = await deps.pickFolder();
    return picked === null ? null : deps.checkRecipeFolder(picked);
  });
  return [BRIDGE_CHANNEL, CHECK_RECIPE_FOLDER, PICK_RECIPE_FOLDER];
}
