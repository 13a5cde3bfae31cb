// A change as people read it: a unified diff for text, nothing for binary content.
import { createTwoFilesPatch } from 'diff';

/** Binary = a NUL byte in the first 8 KiB (git's own test) or bytes that are not UTF-8. */
export function isBinary(body: Buffer): boolean {
  if (body.subarray(0, 8192).includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return false;
  } catch {
    return true;
  }
}

export function unifiedDiff(path: string, before: Buffer | null, after: Buffer | null): string | null {
  if ((before && isBinary(before)) || (after && isBinary(after))) return null;
  return createTwoFilesPatch(
    before ? `a/${path}` : '/dev/null',
    after ? `b/${path}` : '/dev/null',
    before?.toString('utf8') ?? '',
    after?.toString('utf8') ?? '',
  );
}
