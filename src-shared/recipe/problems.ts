// One shape for everything wrong with a recipe, from a JSON syntax error to a symlink out of the
// folder, so the gallery, the CLI and the import dialog all print the same list.
import type { z } from 'zod';

export type RecipeProblemCode =
  | 'json-syntax' // a file is not valid JSON
  | 'schema' // a field has the wrong type, value or shape
  | 'unsupported-format' // "format" is a version this build does not understand
  | 'duplicate-id' // two agents (or models) share an id
  | 'unknown-model' // a model reference names no model of models/config.json
  | 'fallback-cycle' // a fallback chain returns to a model already in it
  | 'unknown-agent' // the room names an agent the recipe does not define
  | 'unsafe-path' // a path escapes the folder (.., absolute, backslash)
  | 'missing-file' // a referenced file is not in the folder
  | 'symlink-outside' // a symbolic link points outside the folder
  | 'unsupported-file' // a socket, device, fifo or symlinked folder
  | 'too-large' // a file or the folder exceeds its size bound
  | 'too-many-files'
  | 'unreadable'; // the file system refused (permissions, vanished)

export interface RecipeProblem {
  code: RecipeProblemCode;
  /** The file the problem is in, relative to the recipe folder (POSIX), when there is one. */
  file?: string;
  /** JSON path inside `file`, like `$.agents[1].model`; `$` for the file (or folder) as a whole. */
  path: string;
  /** A sentence for a person: what is wrong and what to do about it. */
  message: string;
}

export type RecipeResult<T> = { ok: true; value: T } | { ok: false; problems: RecipeProblem[] };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['agents', 1, 'model']` → `$.agents[1].model`; keys that are not identifiers use `["…"]`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENTIFIER.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function describeValue(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return `the text ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  if (typeof input === 'object') return 'an object';
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return `a ${typeof input}`;
}

const NOUN: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

function lastKey(path: readonly PropertyKey[]): string {
  const key = path[path.length - 1];
  return key === undefined ? 'the document' : typeof key === 'number' ? `item ${key}` : `"${String(key)}"`;
}

/**
 * Turns zod issues into problems with human sentences. Messages we wrote in schema.ts pass
 * through; zod's generic ones ("Invalid input") are replaced by a sentence naming the field.
 * An unrecognized key is reported at its own path so the user sees exactly which key to remove.
 */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], file: string | undefined): RecipeProblem[] {
  const out: RecipeProblem[] = [];
  const add = (path: readonly PropertyKey[], message: string) =>
    out.push({ code: 'schema', ...(file === undefined ? {} : { file }), path: jsonPath(path), message });

  for (const issue of issues) {
    const field = lastKey(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          add([...issue.path, key], `"${key}" is not a field of format v0; remove it or check its spelling (see docs/recipe-format.md).`);
        }
        break;
      case 'invalid_type': {
        const want = NOUN[issue.expected] ?? issue.expected;
        if (issue.input === undefined) add(issue.path, `${field} is required but missing; add it (${want}).`);
        else add(issue.path, `${field} must be ${want}, but it is ${describeValue(issue.input)}.`);
        break;
      }
      case 'too_small':
      case 'too_big': {
        if (!issue.message.startsWith('Too ')) {
          add(issue.path, issue.message); // a sentence of ours from schema.ts
          break;
        }
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const side = issue.code === 'too_small' ? 'at least' : 'at most';
        const unit =
          issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' items long' : '';
        add(issue.path, `${field} must be ${side} ${String(bound)}${unit}; change it.`);
        break;
      }
      case 'invalid_value':
        if (issue.message.startsWith('Invalid ')) {
          add(issue.path, `${field} must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`);
        } else add(issue.path, issue.message);
        break;
      case 'invalid_union':
        add(issue.path, `${field} has the wrong shape; see docs/recipe-format.md for what it may hold.`);
        break;
      default:
        add(issue.path, issue.message.startsWith('Invalid ') ? `${field} is not valid: ${issue.message}.` : issue.message);
    }
  }
  return out;
}
