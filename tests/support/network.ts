// Where pods reach this machine in tests: the host's address on Docker's default bridge.
import { execFileSync } from 'node:child_process';

/**
 * The host's address on Docker's default bridge: reachable from pods, not from the network.
 * The bridge's IPAM gateway when the engine reports one (dockerd 20.10 may not), else this
 * machine's own address inside the bridge's subnet (docker0). Read with `ip`, not
 * os.networkInterfaces(): libuv leaves out interfaces that are not RUNNING, and docker0 is not
 * while no container is attached — exactly when a test asks, before its first pod starts.
 */
export function bridgeGateway(): string {
  const ipam = JSON.parse(execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{json .IPAM.Config}}'], { encoding: 'utf8' })) as { Subnet?: string; Gateway?: string }[];
  const gateway = ipam.find((c) => c.Gateway && /^\d+\.\d+\.\d+\.\d+$/.test(c.Gateway))?.Gateway;
  if (gateway) return gateway;
  const toInt = (ip: string) => ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  for (const { Subnet } of ipam) {
    const [base, bits] = (Subnet ?? '').split('/');
    if (!base || !bits || base.includes(':')) continue;
    const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
    const hit = hostIPv4Addresses().find((a) => ((toInt(a) & mask) >>> 0) === ((toInt(base) & mask) >>> 0));
    if (hit) return hit;
  }
  throw new Error(`no IPv4 address of this machine on Docker's bridge network (${JSON.stringify(ipam)})`);
}


/** Every IPv4 address of this machine, up or down ("5: docker0    inet 172.17.0.1/16 …"). */
function hostIPv4Addresses(): string[] {
  const lines = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' }).split('\n');
  return lines.flatMap((line) => /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(line)?.[1] ?? []);
}
