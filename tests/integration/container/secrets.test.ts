// An API key given to the agents never reaches an event: not through a command line, not
// through a file's diff, not through a tool call's input or output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPod, type TestPod } from '../../support/pod';

const KEY = 'sk-ant-api03-kiln-test-0123456789abcdefghijklmnopqrstuvwxyz-AAAA';
const ODD = 'kiln-custom-secret-value-4242'; // no token shape: only its variable name marks it

describe('secrets in a real pod', () => {
  let pod: TestPod;
  beforeAll(async () => {
    pod = await startTestPod({ prefix: 'sec', secrets: { ANTHROPIC_API_KEY: KEY, MY_SERVICE_TOKEN: ODD } });
  });
  afterAll(async () => {
    await pod?.remove();
  });

  it('redacts a planted key echoed into a file, a command and a tool call', async () => {
    const run = await pod.exec(`echo "$ANTHROPIC_API_KEY $MY_SERVICE_TOKEN" > leak.txt && echo "key=${KEY}" && env > env.txt`);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(KEY); // the agent itself may use the key…
    const hook = await fetch(`${pod.url}/hooks/tool/after`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pod.hookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: 'test', tool: 'bash', input: { command: `curl -H "x-api-key: ${KEY}"` }, output: `token ${ODD}`, ok: true }),
    });
    expect(hook.status).toBe(200);

    expect((await pod.api('GET', '/api/settled')).status).toBe(200); // receipts follow the hooks' answers
    const events = await pod.events();
    const files = events.filter((e) => e.kind === 4601 && /leak\.txt|env\.txt/.test(e.content));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const raw = JSON.stringify(events);
    expect(raw).not.toContain(KEY);
    expect(raw).not.toContain(ODD);
    expect(raw).toContain('[REDACTED');
  });
});
