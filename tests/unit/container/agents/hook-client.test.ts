// The shared tool-hook client (src-container/agents/hook-client.mjs), run as the agents run it:
// a Node process with the hook JSON on stdin, talking to a real HTTP server on a real socket.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLIENT = path.resolve('src-container/agents/hook-client.mjs');

interface Run { code: number | null; stdout: string; stderr: string }

function runHook(args: string[], stdin: string, env: Record<string, string>, onSpawn?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onSpawn?.(child);
    child.stdin.end(stdin);
  });
}

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function recorder(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const claudeHook = { session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: '/workspace/a.txt', content: 'a' } };

describe('kiln hook client', () => {
  it('before: posts {agent, tool, input} with the hook token and exits only after the recorder answers', async () => {
    const seen: { url?: string; auth?: string; body?: unknown; aliveWhileWaiting?: boolean } = {};
    let child: ReturnType<typeof spawn> | undefined;
    const url = await recorder((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        Object.assign(seen, { url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
        // The checkpoint is "being taken": the hook must still be waiting for it.
        setTimeout(() => {
          seen.aliveWhileWaiting = child?.exitCode === null;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"commit":"abc","eventId":null}');
        }, 300);
      });
    });
    const run = await runHook(['claude-code', 'before'], JSON.stringify(claudeHook), { KILN_RECORDER_URL: url, KILN_HOOK_TOKEN: 'tok' }, (c) => (child = c));
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('{}');
    expect(seen.aliveWhileWaiting).toBe(true);
    expect(seen.url).toBe('/hooks/tool/before');
    expect(seen.auth).toBe('Bearer tok');
    expect(seen.body).toEqual({ agent: 'claude-code', tool: 'Write', input: claudeHook.tool_input });
  });

  it('after: sends the output and a failed result as ok=false', async () => {
    let body: Record<string, unknown> = {};
    const url = await recorder((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        body = JSON.parse(text) as Record<string, unknown>;
        res.end('{"ok":true}');
      });
    });
    const hook = { tool_name: 'run_shell_command', tool_input: { command: 'false' }, tool_response: { error: 'exit 1', llmContent: 'failed' } };
    const run = await runHook(['gemini-cli', 'after'], JSON.stringify(hook), { KILN_RECORDER_URL: url, KILN_HOOK_TOKEN: 'tok' });
    expect(run.code).toBe(0);
    expect(body).toMatchObject({ agent: 'gemini-cli', tool: 'run_shell_command', input: { command: 'false' }, ok: false });
    expect(body.output).toContain('failed');
  });

  it('fails open: no recorder listening, an error answer, or bad input never block the agent', async () => {
    // A port nothing listens on: take one, then close it.
    const closed = await recorder(() => undefined);
    server!.close();
    server = undefined;
    const list = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-hook-')), 'state', 'unprotected');
    const down = await runHook(['codex', 'before'], JSON.stringify(claudeHook), { KILN_RECORDER_URL: closed, KILN_HOOK_TOKEN: 'tok', KILN_UNPROTECTED_FILE: list });
    expect(down.code).toBe(0);
    expect(down.stdout.trim()).toBe('{}');
    expect(down.stderr).toMatch(/cannot be reached/);
    // Noted, privately, for the recorder to record once it is back.
    expect(fs.readFileSync(list, 'utf8')).toMatch(/^\d+ start codex Write /);
    expect(fs.statSync(list).mode & 0o777).toBe(0o600);

    const handed: { url?: string; body: string }[] = [];
    const failing = await recorder((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        handed.push({ url: req.url, body: text });
        if (req.url === '/hooks/unprotected') return res.end('{"ok":true}');
        res.writeHead(500);
        res.end('{"error":{"code":"internal","message":"disk full"}}');
      });
    });
    const error = await runHook(['codex', 'before'], 'not json', { KILN_RECORDER_URL: failing, KILN_HOOK_TOKEN: 'tok', KILN_UNPROTECTED_FILE: list });
    expect(handed[0]).toMatchObject({ url: '/hooks/unprotected', body: expect.stringMatching(/ start codex Write /) });
    expect(fs.readFileSync(list, 'utf8')).toBe('');
    expect(error.code).toBe(0);
    expect(error.stderr).toMatch(/not JSON/);
    expect(error.stderr).toMatch(/500/);

    const outside = await runHook(['codex', 'before'], JSON.stringify(claudeHook), {});
    expect(outside).toMatchObject({ code: 0, stderr: '' });
  });
});
