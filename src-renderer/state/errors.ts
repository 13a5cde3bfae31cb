// Every error the page shows is a KilnError (sentence + next step): a BridgeError as it came,
// anything else reduced to its first line by toKilnError. Never a stack, never raw JSON.
import { toKilnError, type KilnError } from '../../src-shared/errors';

export type { KilnError };

export function asKilnError(err: unknown): KilnError {
  return toKilnError(err);
}
