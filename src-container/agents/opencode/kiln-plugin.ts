// The Kiln recorder plugin for OpenCode. OpenCode (Bun) loads this file itself — it is listed
// under `plugin` in the generated config — so it imports nothing: plain fetch and process.env.
//
// Before a mutating tool runs, OpenCode awaits `tool.execute.before`: we ask the recorder for a
// checkpoint and return only once it is taken, so every change can be undone. If the recorder
// cannot be reached the tool fails with a sentence saying why, rather than run unprotected.
// After the tool, `tool.execute.after` sends the result as a receipt (best effort), and the
// `event` hook sends the conversation (prompts and answers) to /hooks/message.
//
// Every export of this module is treated by OpenCode as a plugin: export nothing else.

/** Tools that can change files (bash can change anything). Reads and searches need no checkpoint. */
const MUTATING = new Set(['edit', 'write', 'patch', 'apply_patch', 'multiedit', 'bash']);
/** Tool output sent with a receipt is cut to this many characters (the recorder limits bodies). */
const MAX_OUTPUT = 16 * 1024;
/** How long a checkpoint may take before the tool is failed (a full rescan of a big tree is slow). */
const BEFORE_TIMEOUT_MS = 120_000;

interface BeforeInput { tool: string; sessionID?: string; callID?: string }
interface BusEvent { type: string; properties?: Record<string, unknown> }
interface TextPart { id?: string; type?: string; text?: string; messageID?: string; synthetic?: boolean; time?: { end?: number } }
interface AfterInput extends BeforeInput { args?: unknown }
interface AfterOutput { title?: string; output?: unknown; metadata?: Record<string, unknown> }

export const KilnRecorder = async () => {
  const base = process.env.KILN_RECORDER_URL;
  const token = process.env.KILN_HOOK_TOKEN;
  // Outside a Kiln pod there is nothing to talk to: OpenCode works as usual.
  if (!base || !token) return {};
  const argsByCall = new Map<string, unknown>();
  const roleOf = new Map<string, string>();
  const sentParts = new Set<string>();

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

  /**
   * The conversation as receipts: each finished text part, once — the user's prompt and the
   * agent's answers. Roles come from `message.updated`, which precedes its parts.
   */
  const onEvent = async ({ event }: { event: BusEvent }) => {
    const p = event.properties ?? {};
    if (event.type === 'message.updated') {
      const info = p.info as { id?: string; role?: string } | undefined;
      if (info?.id && info.role) roleOf.set(info.id, info.role);
      return;
    }
    if (event.type !== 'message.part.updated') return;
    const part = p.part as TextPart | undefined;
    if (!part?.id || part.type !== 'text' || part.synthetic || !part.text?.trim() || sentParts.has(part.id)) return;
    const role = part.messageID ? roleOf.get(part.messageID) : undefined;
    if (role === 'assistant' && !part.time?.end) return; // still streaming
    if (role !== 'assistant' && role !== 'user') return;
    sentParts.add(part.id);
    const message = role === 'user' ? { from: 'user', to: 'opencode', text: part.text } : { from: 'opencode', text: part.text };
    await post('/hooks/message', message, 30_000).catch(() => undefined);
  };

  return {
    event: onEvent,
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
