// The recorder's configuration, read once from its environment (set by the host when it starts
// the pod). Tokens arrive here and nowhere else: the session token never enters the workspace.
import { z } from 'zod';

const ConfigSchema = z.object({
  KILN_STATE_DIR: z.string().default('/state'),
  KILN_WORKSPACE: z.string().default('/workspace'),
  KILN_PORT: z.coerce.number().int().min(1).max(65535).default(7680),
  KILN_BIND: z.string().default('0.0.0.0'),
  /** Proves the app: NIP-42 AUTH key and bearer token for /api. */
  KILN_SESSION_TOKEN: z.string().min(16, 'KILN_SESSION_TOKEN must be at least 16 characters'),
  /** Given to the workspace's hooks: they may add receipts, never read or undo. */
  KILN_HOOK_TOKEN: z.string().min(16, 'KILN_HOOK_TOKEN must be at least 16 characters'),
  KILN_SESSION_ID: z.string().default('session'),
  KILN_AGENT: z.string().default('opencode'),
  KILN_MODEL: z.string().default('unknown'),
  KILN_RECIPE: z.string().regex(/^sha256:[0-9a-f]{64}$/).optional(),
  KILN_OWNER_PUBKEY: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  KILN_MAX_FILE_BYTES: z.coerce.number().int().positive().default(50 * 1024 * 1024),
  KILN_DEBOUNCE_MS: z.coerce.number().int().min(0).default(100),
  /**
   * Hash a long command's files while it runs (see Recorder): `auto` does it with a core to
   * spare (2 or more). On 2 cores the 50,000-file command ran ~10 % slower and the next command
   * started ~1 s sooner; on one core it would only compete with the command.
   */
  KILN_HASH_AHEAD: z.enum(['auto', 'on', 'off']).default('auto'),
});
export type RecorderConfig = z.infer<typeof ConfigSchema>;

export function readConfig(env: NodeJS.ProcessEnv): RecorderConfig {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`kilnd cannot start: its environment is incomplete.\n${lines.join('\n')}\nThe host sets these when it starts the pod; see src-container/kilnd/README.md.`);
  }
  return parsed.data;
}

/** Names of variables whose values must never reach an event (the redactor also learns the env). */
export const RECORDER_SECRETS = ['KILN_SESSION_TOKEN', 'KILN_HOOK_TOKEN'] as const;
