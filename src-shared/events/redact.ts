// Secret redaction before signing: a signed event cannot be edited later, so a secret that
// gets into one is there for good. Two nets: the values of secret-looking environment
// variables (exact matches, named in the output), and the shapes of well-known tokens.

import { cleanText } from './clean';

export type Redactor = (text: string) => string;

/** Names that look secret. AUTHOR is excluded: GIT_AUTHOR_NAME is a person, not a key. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH(?!OR)/i;
export const KNOWN_SECRET_NAMES: readonly string[] = [
  'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'OPENROUTER_API_KEY',
  'GH_TOKEN', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'HF_TOKEN', 'KILN_SESSION_TOKEN',
];
/** Shorter values are too likely to be ordinary words ("true", "1", "dev"). */
export const MIN_SECRET_VALUE_LENGTH = 8;

// Lookbehinds keep a pattern from firing inside a longer word ("task-…" is not "sk-…").
const TOKEN_SHAPES: readonly RegExp[] = [
  /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
  /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{8,}/g,
  /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g, // sk-proj-…, sk-…
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{20,}/g,
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{20,}/g,
  /(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,}/g,
  /(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![0-9A-Z])/g,
  /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWT
];
// "Bearer <token>": keep the word so the reader still sees what the header was.
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]{8,}=*/gi;
/**
 * A literal every shape above (and BEARER) contains: text without any of them skips the ten
 * replacements. A 50,000-file receipt is ~250,000 short strings; this is most of its signing time.
 */
const MAY_HOLD_TOKEN = /PRIVATE KEY|sk-|gh[pousr]_|github_pat_|xox[abprs]-|AKIA|AIza|eyJ|[Bb][Ee][Aa][Rr][Ee][Rr]/;
/** No token shape, and no secret value (≥ MIN_SECRET_VALUE_LENGTH), is shorter than this. */
const SHORTEST_SECRET = MIN_SECRET_VALUE_LENGTH;

export function isSecretName(name: string): boolean {
  return KNOWN_SECRET_NAMES.includes(name) || SECRET_NAME.test(name);
}

/**
 * A redactor for one environment: values (≥ 8 chars) of secret-looking variables become
 * `[REDACTED:NAME]` (longest value first, so a value containing another is replaced whole),
 * then known token shapes become `[REDACTED]`.
 */
export function createRedactor(env: Record<string, string | undefined>): Redactor {
  const secrets = Object.entries(env)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && isSecretName(e[0]))
    // Event text is cleaned before redaction, so match the cleaned form of the value.
    .map(([name, value]) => [cleanText(name), cleanForMatch(value)] as const)
    .filter(([, value]) => value.length >= MIN_SECRET_VALUE_LENGTH)
    .sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return (text: string): string => {
    if (text.length < SHORTEST_SECRET) return text;
    let out = text;
    for (const [name, value] of secrets) {
      if (out.includes(value)) out = out.split(value).join(`[REDACTED:${name}]`);
    }
    if (!MAY_HOLD_TOKEN.test(out)) return out;
    for (const shape of TOKEN_SHAPES) out = out.replace(shape, '[REDACTED]');
    return out.replace(BEARER, '$1[REDACTED]');
  };
}

function cleanForMatch(value: string): string {
  return cleanText(value).trim();
}

/** Redact every string in a JSON value, object keys included. */
export function redactValue(v: unknown, redact: Redactor): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) return v.map((item) => redactValue(item, redact));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) out[redact(key)] = redactValue(item, redact);
    return out;
  }
  return v;
}
