import { describe, expect, it } from 'vitest';
import { BridgeError, createClient, dispatch, pushMessage, type Handlers, type Transport, type WireMessage } from '../../../../src-shared/api/rpc';

/** Wires a client to a dispatcher in memory, the same messages a WebSocket or IPC port carries. */
function pair(handlers: Handlers) {
  const toClient = new Set<(m: WireMessage) => void>();
  const sent: WireMessage[] = [];
  const transport: Transport = {
    send(msg) {
      sent.push(msg);
      if (msg.t === 'req') void dispatch(handlers, msg).then((reply) => toClient.forEach((l) => l(JSON.parse(JSON.stringify(reply)))));
    },
    onMessage(l) {
      toClient.add(l);
      return () => toClient.delete(l);
    },
  };
  const push = (m: WireMessage) => toClient.forEach((l) => l(m));
  return { client: createClient(transport), push, sent };
}

describe('bridge rpc', () => {
  it('answers a typed call through the contract', async () => {
    const { client } = pair({ 'app.info': () => ({ name: 'Kiln', version: '0.1.0', mode: 'web', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } }) });
    await expect(client.call('app.info', {})).resolves.toEqual({ name: 'Kiln', version: '0.1.0', mode: 'web', capabilities: { stopSessions: true, removeSessions: true, localModelContainer: true } });
  });

  it('rejects bad input before the handler runs, naming the field', async () => {
    let ran = false;
    const { client } = pair({ 'sessions.stop': () => { ran = true; throw new Error('unreachable'); } });
    const err = await client.call('sessions.stop', { id: 'Not Valid!' }).catch((e: BridgeError) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect((err as BridgeError).code).toBe('bad-input');
    expect((err as BridgeError).message).toMatch(/^Invalid input for sessions\.stop: id: /);
    expect(ran).toBe(false);
  });

  it('carries a user-facing error with its next step across the boundary', async () => {
    const { client } = pair({ 'engine.status': () => { throw new BridgeError('engine-missing', 'No Docker engine answered.', 'Start Docker Desktop.'); } });
    await expect(client.call('engine.status', {})).rejects.toMatchObject({ code: 'engine-missing', message: 'No Docker engine answered.', next: 'Start Docker Desktop.' });
  });

  it('reduces an unexpected exception to its message, without a stack', async () => {
    const { client } = pair({ 'sessions.list': () => { throw new TypeError('boom'); } });
    const err = (await client.call('sessions.list', {}).catch((e) => e)) as BridgeError;
    expect(err.code).toBe('E_UNEXPECTED');
    expect(err.message).toBe('Something went wrong: boom');
    expect(JSON.stringify(err.toJSON())).not.toMatch(/at .*\.ts/);
  });

  it('refuses an answer that breaks the contract', async () => {
    const { client } = pair({ 'sessions.list': () => [{ id: 'x' }] as never });
    await expect(client.call('sessions.list', {})).rejects.toMatchObject({ code: 'bad-output' });
  });

  it('says so for an operation the host does not have', async () => {
    const reply = await dispatch({}, { id: 7, op: 'nope.nothing', input: {} });
    expect(reply).toMatchObject({ t: 'res', id: 7, ok: false, error: { code: 'unknown-operation' } });
  });

  it('delivers valid stream pushes to subscribers and drops malformed ones', () => {
    const { client, push } = pair({});
    const got: string[] = [];
    const off = client.on('terminal.data', (p) => got.push(p.data));
    push(pushMessage('terminal.data', { terminal: 't1', data: 'hello' }));
    push({ t: 'push', stream: 'terminal.data', payload: { terminal: 't1' } });
    off();
    push(pushMessage('terminal.data', { terminal: 't1', data: 'after' }));
    expect(got).toEqual(['hello']);
  });
});
