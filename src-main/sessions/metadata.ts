// Host-side session metadata: ~/.kiln/sessions/<id>.json, mode 0600, because it holds the
// session token (which never goes into a label) and the hook token. Written atomically
// (temp file + rename): an interrupted write never leaves half a file.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// zod's mini build: every kiln command reads a record, and classic zod takes longer to load
// than the rest of `kiln ls` together.
import * as z from 'zod/mini';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { SESSION_ID } from './naming';

const TOKEN = /^[0-9a-f]{64}$/;

export const SessionRecordSchema = z.object({
  id: z.string().check(z.regex(SESSION_ID)),
  name: z.string(),
  workspace: z.string(),
  createdAt: z.string(),
  sessionToken: z.string().check(z.regex(TOKEN)),
  hookToken: z.string().check(z.regex(TOKEN)),
  agent: z.string(),
  model: z.string(),
  recipe: z.optional(z.string()),
  /** Where the agent's model requests go, as the container sees it (absent in older records). */
  endpoint: z.optional(z.object({ provider: z.optional(z.string()), baseURL: z.string(), model: z.string(), contextLength: z.int(), apiKeyEnv: z.optional(z.string()) })),
  version: z.string(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

export class SessionStore {
  constructor(readonly dir: string) {}

  private file(id: string): string {
    if (!SESSION_ID.test(id)) throw new KilnFailure(kilnError('E_SESSION_ID', `"${id}" is not a session id.`, 'List sessions with `kiln ls`.'));
    return join(this.dir, `${id}.json`);
  }

  /** The record, or undefined when there is none; a damaged file is an error that says which. */
  read(id: string): SessionRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.file(id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let parsed: ReturnType<typeof SessionRecordSchema.safeParse>;
    try {
      parsed = SessionRecordSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = { success: false } as ReturnType<typeof SessionRecordSchema.safeParse>;
    }
    if (!parsed.success) {
      throw new KilnFailure(
        kilnError('E_SESSION_METADATA', `The metadata of session ${id} (${this.file(id)}) is damaged.`, `Remove the session with \`kiln rm ${id}\` (the workspace folder is kept).`),
      );
    }
    return parsed.data;
  }

  write(record: SessionRecord): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const target = this.file(record.id);
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600); // an umask or an existing file must not widen it
    renameSync(tmp, target);
  }

  remove(id: string): void {
    rmSync(this.file(id), { force: true });
  }

  ids(): string[] {
    try {
      return readdirSync(this.dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5))
        .filter((id) => SESSION_ID.test(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}
