// Text cleaning before signing: what a terminal or a model emits is not always text a reader,
// a relay or a JSON parser will accept. Cleaning is lossy on purpose and deterministic.

// C0 controls except \t (09) and \n (0A); \r is handled first. DEL (7F) and C1 (80–9F).
const CONTROL = /[\x00-\x08\x0B-\x1F\x7F-\x9F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NEEDS_CLEANING = /[\x00-\x08\x0B-\x1F\x7F-\x9F\uD800-\uDFFF]/;

/** Remove control characters (keeping \n and \t), normalise \r\n and lone \r to \n,
 *  and replace lone surrogates with U+FFFD. */
export function cleanText(s: string): string {
  if (!NEEDS_CLEANING.test(s)) return s; // the common case: nothing to do, no copy
  return s.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
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
