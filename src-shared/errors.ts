// The one shape of an error a person may see, on every side of every boundary (IPC, WebSocket,
// CLI): a stable code for programs, a sentence for a person, and the next step when there is one.
// Plain data (no class), so it survives structuredClone and JSON unchanged.

export interface KilnError {
  /** Stable, machine-readable: `E_` + upper snake case, e.g. `E_DOCKER_NOT_FOUND`. */
  code: string;
  /** One or two sentences for a person; no stack trace, no raw errno alone. */
  message: string;
  /** What to do now, e.g. "Start Docker Desktop, then try again." */
  next?: string;
}

export function kilnError(code: string, message: string, next?: string): KilnError {
  return next === undefined ? { code, message } : { code, message, next };
}

export function isKilnError(value: unknown): value is KilnError {
  // An Error with `code` (Node's errno errors: ECONNREFUSED…) is not one: it was never written for a person.
  if (typeof value !== 'object' || value === null || value instanceof Error) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    (v.next === undefined || typeof v.next === 'string')
  );
}

/** Anything thrown → a KilnError; a KilnError (or an Error carrying one as `kiln`) passes through. */
export function toKilnError(value: unknown, fallbackCode = 'E_UNEXPECTED'): KilnError {
  if (isKilnError(value)) return kilnError(value.code, value.message, value.next);
  if (typeof value === 'object' && value !== null && isKilnError((value as { kiln?: unknown }).kiln)) {
    return toKilnError((value as { kiln: unknown }).kiln);
  }
  const raw = value instanceof Error ? value.message : typeof value === 'string' ? value : '';
  // Only the first line: a message for a person never carries a stack.
  const first = raw.split('\n')[0]?.trim() ?? '';
  return kilnError(
    fallbackCode,
    first ? `Something went wrong: ${first}` : 'Something went wrong.',
    'Try again; if it keeps happening, report it with the steps that led here.',
  );
}

/** An Error that carries a KilnError, for code paths that must throw. */
export class KilnFailure extends Error {
  readonly kiln: KilnError;
  constructor(kiln: KilnError) {
    super(kiln.message);
    this.name = 'KilnFailure';
    this.kiln = kiln;
  }
}
