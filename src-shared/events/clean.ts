// Text cleaning before signing: what a terminal or a model emits is not always text a reader,
// a relay or a JSON parser will accept. Cleaning is lossy on purpose and deterministic.

const NEEDS_CLEANING = /[\x00-\x08\x0B-\x1F\x7F-\x9F\uD800-\uDFFF]/;

/** Remove control characters (keeping \n and \t), normalise \r\n and lone \r to \n,
 *  and replace lone surrogates with U+FFFD. One pass: inputs can be megabytes of terminal output. */
export function cleanText(s: string): string {
  if (!NEEDS_CLEANING.test(s)) return s; // the common case: nothing to do, no copy
  // The output is never longer than the input, so one code-unit buffer holds it; slicing
  // and joining millions of small strings is far slower for terminal output full of escapes.
  const out = new Uint16Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09) {
      out[n++] = c;
    } else if (c === 0x0d) {
      out[n++] = 0x0a;
      if (s.charCodeAt(i + 1) === 0x0a) i++;
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      // C0, DEL, C1: dropped
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out[n++] = c;
        out[n++] = d;
        i++;
      } else out[n++] = 0xfffd;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out[n++] = 0xfffd;
    } else out[n++] = c;
  }
  const chunks: string[] = [];
  for (let at = 0; at < n; at += 8192) {
    // apply takes array-likes; a typed array is one.
    chunks.push(String.fromCharCode.apply(null, out.subarray(at, Math.min(n, at + 8192)) as unknown as number[]));
  }
  return chunks.join('');
}

/** Deeper than this, a value is replaced by a note: it keeps recursion (and JSON) bounded. */
export const MAX_VALUE_DEPTH = 64;
export const TOO_DEEP = '[nested too deep]';
export const CIRCULAR = '[circular]';

/**
 * Deep-clean a value into plain JSON: every string (object keys too) goes through cleanText;
 * what JSON cannot hold is turned into what JSON.stringify would make of it (undefined and
 * functions dropped from objects, null in arrays; non-finite numbers null; bigint a string),
 * cycles become "[circular]", and nesting beyond MAX_VALUE_DEPTH becomes "[nested too deep]".
 */
export function cleanValue(v: unknown): unknown {
  return cleanAt(v, 0, new Set());
}

function cleanAt(v: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof v === 'string') return cleanText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v === null) return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v !== 'object') return undefined; // undefined, function, symbol
  if (ancestors.has(v)) return CIRCULAR;
  if (depth >= MAX_VALUE_DEPTH) return TOO_DEEP;
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return cleanAt(withJson.toJSON(), depth, ancestors);
  ancestors.add(v);
  try {
    if (Array.isArray(v)) {
      return v.map((item) => {
        const c = cleanAt(item, depth + 1, ancestors);
        return c === undefined ? null : c;
      });
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      const c = cleanAt(item, depth + 1, ancestors);
      if (c !== undefined) out[cleanText(key)] = c;
    }
    return out;
  } finally {
    ancestors.delete(v);
  }
}
