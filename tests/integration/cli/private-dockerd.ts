// A Docker daemon of the test's own, for the one test that restarts a daemon: restarting the
// shared one would stop every other test's containers. It runs beside the shared dockerd with its
// own socket, data root, exec root (so its own containerd), pidfile and bridge; the runtime image
// is copied in from the shared daemon (docker save | docker load) only when its id changed — the
// data root is kept in /var/tmp between runs as a cache.
// Needs root, dockerd and iproute2 (`ip`); `privateDockerdMissing()` says why not otherwise.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { eventually } from './kiln-process';

export const PRIVATE_DIR = process.env.KILN_TEST_DOCKERD_DIR ?? '/var/tmp/kiln-test-dockerd';
const BRIDGE = 'kiln-test-br0';
const BRIDGE_CIDR = '172.29.0.1/24';

export interface PrivateDockerd {
  host: string;
  pidfile: string;
  docker: Dockerode;
  stop(): Promise<void>;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why a private daemon cannot run here, or undefined when it can. */
export function privateDockerdMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!has('dockerd')) return 'needs dockerd';
  if (!has('ip')) return 'needs iproute2 (ip)';
  return undefined;
}

function ensureBridge(): void {
  if (spawnSync('ip', ['link', 'show', BRIDGE], { stdio: 'ignore' }).status === 0) return;
  execFileSync('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  execFileSync('ip', ['addr', 'add', BRIDGE_CIDR, 'dev', BRIDGE]);
  execFileSync('ip', ['link', 'set', BRIDGE, 'up']);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startPrivateDockerd(image: string): Promise<PrivateDockerd> {
  mkdirSync(PRIVATE_DIR, { recursive: true });
  ensureBridge();
  const socket = join(PRIVATE_DIR, 'docker.sock');
  const pidfile = join(PRIVATE_DIR, 'docker.pid');
  const host = `unix://${socket}`;
  const docker = new Dockerode({ socketPath: socket });
  const stale = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8')) : 0;
  if (!(stale && isAlive(stale))) {
    const log = openSync(join(PRIVATE_DIR, 'dockerd.log'), 'a');
    // No iptables or masquerading: it must not touch the shared daemon's rules; published
    // ports on 127.0.0.1 still work through docker-proxy.
    spawn('dockerd', ['--host', host, '--data-root', join(PRIVATE_DIR, 'data'), '--exec-root', join(PRIVATE_DIR, 'exec'), '--pidfile', pidfile, '--bridge', BRIDGE, '--iptables=false', '--ip-masq=false'], {
      detached: true,
      stdio: ['ignore', log, log],
    }).unref();
  }
  await eventually(async () => ((await docker.ping().then(() => true, () => false)) ? true : undefined), 150, 200);

  const shared = new Dockerode();
  const want = (await shared.getImage(image).inspect()).Id;
  const have = await docker.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (have !== want) {
    execFileSync('sh', ['-c', `docker save "$IMAGE" | DOCKER_HOST="$HOST" docker load -q`], { env: { ...process.env, IMAGE: image, HOST: host }, stdio: ['ignore', 'ignore', 'inherit'] });
  }

  return {
    host,
    pidfile,
    docker,
    async stop() {
      const pid = Number(readFileSync(pidfile, 'utf8'));
      if (!isAlive(pid)) return;
      process.kill(pid, 'SIGTERM');
      await eventually(async () => (isAlive(pid) ? undefined : true), 300, 100);
    },
  };
}

/** Stop the daemon by its pid (SIGTERM: its containers stop, as on a real restart) and start it again with the same command line. */
export async function restartDockerd(d: PrivateDockerd): Promise<void> {
  const pid = Number(readFileSync(d.pidfile, 'utf8').trim());
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  await d.stop();
  const log = openSync(join(PRIVATE_DIR, 'dockerd.log'), 'a');
  spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] }).unref();
  await eventually(async () => ((await d.docker.ping().then(() => true, () => false)) ? true : undefined), 150, 200);
}
