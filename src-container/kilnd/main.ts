// kilnd: the recorder. Opens the event store and the shadow checkpoint repository in the state
// volume, continues (or starts) the agent session's signed chain, and serves the relay, the
// hooks and the app's API on one port. SIGTERM writes `session end` and closes cleanly.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CheckpointStore } from './checkpoints';
import { readConfig, RECORDER_SECRETS } from './config';
import { createRequestHandler } from './http-api';
import { Recorder, storeWritten } from './recorder';
import { createRelay } from './relay';
import { openSession } from './session';
import { openStore } from './store';
import { createRedactor, relayAuthPubkey, useSha256 } from '../../src-shared/events';

const log = (line: string) => process.stderr.write(`kilnd: ${line}\n`);
useSha256((bytes) => createHash('sha256').update(bytes).digest());

async function main(): Promise<void> {
  const config = readConfig(process.env);
  const startedAt = Date.now();
  fs.mkdirSync(config.KILN_STATE_DIR, { recursive: true, mode: 0o700 });
  const store = openStore(path.join(config.KILN_STATE_DIR, 'events.sqlite'));
  const redact = createRedactor({ ...process.env });
  for (const name of RECORDER_SECRETS) if (!process.env[name]) log(`warning: ${name} is empty`);

  const session = openSession({
    stateDir: config.KILN_STATE_DIR,
    store,
    redact,
    write: (w) => void storeWritten(store, w),
    ...(config.KILN_OWNER_PUBKEY ? { owner: config.KILN_OWNER_PUBKEY } : {}),
    start: {
      agent: config.KILN_AGENT,
      model: config.KILN_MODEL,
      workspace: config.KILN_WORKSPACE,
      ...(config.KILN_RECIPE ? { recipe: config.KILN_RECIPE } : {}),
      environment: { session: config.KILN_SESSION_ID, node: process.version, kilnd: '1' },
    },
  });
  log(`${session.resumed ? 'continuing' : 'started'} session ${session.startId}`);

  let recorder: Recorder | null = null;
  const checkpoints = await CheckpointStore.open({
    gitDir: path.join(config.KILN_STATE_DIR, 'checkpoints.git'),
    workTree: config.KILN_WORKSPACE,
    maxFileBytes: config.KILN_MAX_FILE_BYTES,
    onChange: () => recorder?.noteChange(),
  });
  const hashAhead = config.KILN_HASH_AHEAD === 'auto' ? os.availableParallelism() >= 2 : config.KILN_HASH_AHEAD === 'on';
  recorder = new Recorder({ store, checkpoints, writer: session.writer, debounceMs: config.KILN_DEBOUNCE_MS, hashAhead, log });
  await recorder.start();

  const server = http.createServer();
  // Clients (the app, the CLI, tests) keep connections between requests that may be seconds
  // apart; Node's 5 s default closes them under a client about to reuse one ("other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const relay = createRelay({ store, allowedPubkeys: [relayAuthPubkey(config.KILN_SESSION_TOKEN)], http: server });
  server.on('request', createRequestHandler({
    recorder,
    store,
    sessionToken: config.KILN_SESSION_TOKEN,
    hookToken: config.KILN_HOOK_TOKEN,
    startId: session.startId,
    handleInfoRequest: (req, res) => relay.handleInfoRequest(req, res),
  }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.KILN_PORT, config.KILN_BIND, resolve);
  });
  log(`listening on ${config.KILN_BIND}:${config.KILN_PORT}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: recording session end`);
    try {
      await recorder!.close('stopped', startedAt);
      await relay.close();
      server.close();
      await checkpoints.close();
      store.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
