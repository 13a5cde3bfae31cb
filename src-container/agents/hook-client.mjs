#!/usr/bin/env node
// kiln-hook-tool: the command Claude Code, Codex and Gemini CLI run as their pre-/post-tool hook.
//   node /opt/kiln/agents/hook-client.mjs <agent> before|after   (the hook's JSON on stdin)
// `before` asks the recorder for a checkpoint and returns only once it is taken, so the tool
// runs on a tree that can be restored; `after` sends the tool's result as a receipt.
//
// Fails open: whatever goes wrong (no recorder, a timeout, odd JSON), it exits 0 and prints only
// what the agent expects on stdout, so the agent is never blocked by Kiln — the file watcher still
// records what changed. A note goes to stderr, which the agents show in their logs.
//
// Plain Node, no imports beyond built-ins: it runs from the image, outside any package.

const [agent = 'agent', phase = ''] = process.argv.slice(2);
/** Gemini CLI parses stdout as JSON after exit 0; Claude Code and Codex accept it too. */
const answer = () => process.stdout.write('{}\n');
const note = (msg) => process.stderr.write(`kiln: ${msg}\n`);

/** The checkpoint may wait for a full rescan of a big tree; the agents' own hook timeout is longer. */
const BEFORE_TIMEOUT_MS = 110_000;
const AFTER_TIMEOUT_MS = 20_000;
/** Tool output sent with a receipt is cut to this many characters (the recorder caps bodies at 1 MiB). */
const MAX_OUTPUT = 16 * 1024;

async function readStdin() {
  const parts = [];
  for await (const chunk of process.stdin) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

/** Claude Code, Codex and Gemini CLI share field names: tool_name, tool_input, tool_response. */
function toCall(hook) {
  const tool = String(hook.tool_name ?? hook.toolName ?? hook.tool ?? 'unknown');
  const input = hook.tool_input ?? hook.toolInput ?? hook.input;
  const response = hook.tool_response ?? hook.toolResponse ?? hook.output;
  return { tool, input, response };
}

/** Whether a tool result reports failure, in any of the shapes the three agents use. */
function succeeded(response) {
  if (response === null || typeof response !== 'object') return true;
  if (response.success === false || response.is_error === true || response.isError === true) return false;
  if (response.error !== undefined && response.error !== null && response.error !== '') return false;
  const exit = response.exit_code ?? response.exitCode;
  return typeof exit !== 'number' || exit === 0;
}

function outputText(response) {
  if (response === undefined) return undefined;
  const text = typeof response === 'string' ? response : JSON.stringify(response);
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}…` : text;
}

async function post(route, body, timeoutMs) {
  const base = process.env.KILN_RECORDER_URL;
  const token = process.env.KILN_HOOK_TOKEN;
  if (!base || !token) return; // outside a Kiln pod: nothing to tell
  const res = await fetch(base.replace(/\/$/, '') + route, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${res.status} ${(await res.text().catch(() => '')).slice(0, 200)}`);
}

async function main() {
  if (phase !== 'before' && phase !== 'after') return note(`unknown hook phase "${phase}" (before|after)`);
  let hook = {};
  try {
    const text = await readStdin();
    hook = text.trim() ? JSON.parse(text) : {};
  } catch (err) {
    note(`hook input is not JSON (${err.message}); recording the call without details`);
  }
  const { tool, input, response } = toCall(hook);
  try {
    if (phase === 'before') {
      await post('/hooks/tool/before', { agent, tool, input }, BEFORE_TIMEOUT_MS);
    } else {
      await post('/hooks/tool/after', { agent, tool, input, output: outputText(response), ok: succeeded(response) }, AFTER_TIMEOUT_MS);
    }
  } catch (err) {
    note(`the recorder did not answer the ${phase}-tool hook for ${tool} (${err.message}); continuing without it`);
  }
}

main()
  .catch((err) => note(`hook failed: ${err?.message ?? err}`))
  .finally(() => {
    answer();
    process.exitCode = 0;
  });
