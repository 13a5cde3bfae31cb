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

/** " at a.b: message" for the first problem zod found: enough for a sentence. */
export function describeIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return ': unknown problem';
  return `${issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : ''}: ${issue.message}`;
}
