// The Kiln recorder plugin for OpenCode. OpenCode (Bun) loads this file itself — it is listed
// under `plugin` in the generated config — so it imports nothing: plain fetch and process.env.
//
// Before a mutating tool runs, OpenCode awaits `tool.execute.before`: we ask the recorder for a
// checkpoint and return only once it is taken, so every change can be undone. If the recorder
// cannot be reached the tool fails with a sentence saying why, rather than run unprotected.
// After the tool, `tool.execute.after` sends the result as a receipt (best effort).
//
// Every export of this module is treated by OpenCode as a plugin: export nothing else.

/** Tools that can change files (bash can change anything). Reads and searches need no checkpoint. */
const MUTATING = new Set(['edit', 'write', 'patch', 'apply_patch', 'multiedit', 'bash']);
/** Tool output sent with a receipt is cut to this many characters (the recorder limits bodies). */
const MAX_OUTPUT = 16 * 1024;
/** How long a checkpoint may take before the tool is failed (a full rescan of a big tree is slow). */
const BEFORE_TIMEOUT_MS = 120_000;

interface BeforeInput { tool: string; sessionID?: string; callID?: string }
interface AfterInput extends BeforeInput { args?: unknown }
interface AfterOutput { title?: string; output?: unknown; metadata?: Record<string, unknown> }

export const KilnRecorder = async () => {
  const base = process.env.KILN_RECORDER_URL;
  const token = process.env.KILN_HOOK_TOKEN;
  // Outside a Kiln pod there is nothing to talk to: OpenCode works as usual.
  if (!base || !token) return {};
  const argsByCall = new Map<string, unknown>();

  const post = async (route: string, body: unknown, timeoutMs: number): Promise<void> => {
    const res = await fetch(base.replace(/\/$/, '') + route, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(`${res.status} ${text.slice(0, 300)}`);
    }
  };

  return {
    'tool.execute.before': async (input: BeforeInput, output: { args?: unknown }) => {
      if (!MUTATING.has(input.tool)) return;
      if (input.callID) argsByCall.set(input.callID, output.args);
      try {
        await post('/hooks/tool/before', { agent: 'opencode', tool: input.tool, input: output.args }, BEFORE_TIMEOUT_MS);
      } catch (err) {
        throw new Error(
          `Kiln could not take a checkpoint before "${input.tool}" (${(err as Error).message}), so the tool did not run. ` +
            'Check that the session recorder is running (kiln status), then retry.',
          { cause: err },
        );
      }
    },
    'tool.execute.after': async (input: AfterInput, output: AfterOutput) => {
      if (!MUTATING.has(input.tool)) return;
      const args = input.args ?? (input.callID ? argsByCall.get(input.callID) : undefined);
      if (input.callID) argsByCall.delete(input.callID);
      const meta = output?.metadata ?? {};
      const exit = typeof meta.exit === 'number' ? meta.exit : undefined;
      const ok = !meta.error && (exit === undefined || exit === 0);
      const text = typeof output?.output === 'string' ? output.output : JSON.stringify(output?.output ?? '');
      // A lost receipt must not fail the agent's work: the watcher still records the files.
      await post('/hooks/tool/after', { agent: 'opencode', tool: input.tool, input: args, output: text.slice(0, MAX_OUTPUT), ok }, 30_000).catch(() => undefined);
    },
  };
};
