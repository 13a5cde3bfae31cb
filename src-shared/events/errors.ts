// Errors a caller may surface to a person: a code, a sentence, and the next step.

export type KilnEventErrorCode = 'invalid-content' | 'invalid-option' | 'session-ended' | 'internal';

export class KilnEventError extends Error {
  override readonly name = 'KilnEventError';
  constructor(
    readonly code: KilnEventErrorCode,
    message: string,
    readonly next?: string,
  ) {
    super(message);
  }
}
