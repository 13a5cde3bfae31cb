#!/usr/bin/env node
// kiln-hook-tool: the command Claude Code, Codex and Gemini CLI run as their pre-/post-tool hook.
//   node /opt/kiln/agents/hook-client.mjs <agent> before|after   (the hook's JSON on stdin)
// `before` asks the recorder for a checkpoint and returns only once it is taken, so the tool
// runs on a tree that can be restored; `after` sends the tool's result as a receipt.
//
// No tool runs unprotected without a trace: while the recorder is alive, `before` waits for the
// checkpoint however long it takes (saying so on stderr after a second). Only an unreachable
// recorder (connection refused, or gone mid-wait) lets the tool run without one: the call is then
// noted in the same private list the shell hook keeps (outside /workspace), and the next hook call
// that reaches the recorder hands the list over; the recorder records it as an error receipt.
// Whatever else goes wrong (odd JSON, an error answer), it exits 0 and prints only what the
// agent expects on stdout, so the agent is never blocked by Kiln. Notes go to stderr.
//
// Plain Node, no imports beyond built-ins: it runs from the image, outside any package.
import fs from 'node:fs';
import path from 'node:path';

const [agent = 'agent', phase = ''] = process.argv.slice(2);
/** Gemini CLI parses stdout as JSON after exit 0; Claude Code and Codex accept it too. */
const answer = () => process.stdout.write('{}\n');
const note = (msg) => process.stderr.write(`kiln: ${msg}\n`);

const AFTER_TIMEOUT_MS = 20_000;
/** Tool output sent with a receipt is cut to this many characters (the recorder caps bodies at 1 MiB). */
const MAX_OUTPUT = 16 * 1024;
const LIST = process.env.KILN_UNPROTECTED_FILE || path.join(process.env.TMPDIR || '/tmp', `kiln-${process.getuid?.() ?? 0}`, 'unprotected');

/** The recorder cannot be reached at all (as opposed to answering slowly or with an error). */
function unreachable(err) {
  const code = err?.cause?.code ?? err?.code;
  return ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code);
}

function noteUnprotected(phase, text) {
  try {
    fs.mkdirSync(path.dirname(LIST), { recursive: true, mode: 0o700 });
    fs.appendFileSync(LIST, `${Math.floor(Date.now() / 1000)} ${phase} ${text.replace(/\n/g, '\\n')}\n`, { mode: 0o600 });
  } catch { /* nowhere to write: the stderr note is all we can do */ }
}

/** Hands over the list of calls that ran while the recorder was unreachable, then empties it. */
async function handOver() {
  let text;
  try {
    text = fs.readFileSync(LIST, 'utf8');
  } catch {
    return;
  }
  if (!text.trim()) return;
  await post('/hooks/unprotected', text, AFTER_TIMEOUT_MS, 'text/plain; charset=utf-8').catch(() => undefined);
  try {
    fs.writeFileSync(LIST, '');
  } catch { /* handed over twice at worst */ }
}

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

async function post(route, body, timeoutMs, type = 'application/json') {
  const base = process.env.KILN_RECORDER_URL;
  const token = process.env.KILN_HOOK_TOKEN;
  if (!base || !token) return; // outside a Kiln pod: nothing to tell
  const res = await fetch(base.replace(/\/$/, '') + route, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
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
  const label = `${agent} ${tool}${input === undefined ? '' : ` ${JSON.stringify(input).slice(0, 200)}`}`;
  try {
    if (phase === 'before') {
      if (!process.env.KILN_RECORDER_URL || !process.env.KILN_HOOK_TOKEN) return;
      await handOver();
      // No timeout: the tool must not run before its checkpoint while the recorder is alive.
      const slow = setTimeout(() => note("waiting for the recorder's checkpoint…"), 1000);
      try {
        await post('/hooks/tool/before', { agent, tool, input });
      } finally {
        clearTimeout(slow);
      }
    } else {
      await post('/hooks/tool/after', { agent, tool, input, output: outputText(response), ok: succeeded(response) }, AFTER_TIMEOUT_MS);
    }
  } catch (err) {
    if (unreachable(err)) {
      noteUnprotected(phase === 'before' ? 'start' : 'end', label);
      note(`the recorder cannot be reached; ${tool} runs without a checkpoint (noted, and recorded once the recorder is back)`);
    } else {
      note(`the recorder did not answer the ${phase}-tool hook for ${tool} (${err.message}); continuing without it`);
    }
  }
}

main()
  .catch((err) => note(`hook failed: ${err?.message ?? err}`))
  .finally(() => {
    answer();
    process.exitCode = 0;
  });
