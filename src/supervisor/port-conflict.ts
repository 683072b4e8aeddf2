/**
 * When a service exits before it is ready, what holds the port it wanted: one of its own ports,
 * or a port named in its last 100 lines (`EADDRINUSE :::5173`, `address already in use … :6379`,
 * `Port 3000 is in use`). A port another stack leases is named by that lease (stack, service,
 * pid), any other listener by the OS (pid, command), as `fixed` ports already are.
 */
import type { CoordinatorClient } from '../client/coordinator-client.js';
import { findPortHolder } from '../os/port-holder.js';
import type { PortCheck } from '../protocol/coordinator-protocol.js';

const PORT_PATTERNS = [
  /EADDRINUSE[^\n]*?:(\d{2,5})\b/g,
  /address already in use[^\n]*?:(\d{2,5})\b/gi,
  /\bport (\d{2,5}) is (?:already )?in use/gi,
  /[:*](\d{2,5}): bind: address already in use/gi,
  /, (\d{2,5})\): address already in use/gi,
  /\bport (\d{2,5}) (?:is )?(?:already )?(?:taken|occupied|unavailable)/gi,
];

/** Port numbers the lines say are taken, in the order they appear. */
export function portsInLines(lines: readonly string[]): number[] {
  const ports: number[] = [];
  for (const line of lines) {
    for (const pattern of PORT_PATTERNS) {
      for (const match of line.matchAll(pattern)) {
        const port = Number(match[1]);
        if (port >= 1 && port <= 65535 && !ports.includes(port)) ports.push(port);
      }
    }
  }
  return ports;
}

/** `port 5173 is held by stack shop/default (service web, pid 4121)`, or by a program. */
export function describeHolder(port: number, holder: PortCheck['holder']): string | null {
  if (holder === null) return null;
  if (holder.kind === 'lease') {
    return `port ${port} is held by stack ${holder.project}/${holder.stack} (service ${holder.service}, pid ${holder.pid})`;
  }
  if (holder.pid === null) return `port ${port} is held by another program`;
  return `port ${port} is held by pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
}

/**
 * What holds the ports the service needed: `ownPorts` (its leases: only a listener counts, the
 * lease is its own) and the ports its `lines` name. Null when nothing is found (within a few
 * seconds: a failure report must not wait on it).
 */
export async function describeConflict(
  ownPorts: readonly number[],
  lines: readonly string[],
  coordinator: Pick<CoordinatorClient, 'check'>,
  stackId: string,
): Promise<string | null> {
  const found: string[] = [];
  const look = async () => {
    for (const port of ownPorts) {
      const listener = await findPortHolder(port);
      if (listener === null) continue;
      found.push(describeHolder(port, { kind: 'process', ...listener })!);
    }
    for (const port of portsInLines(lines)) {
      if (ownPorts.includes(port)) continue;
      const check = await coordinator.check(port).catch(() => null);
      const holder = check?.holder ?? null;
      if (holder?.kind === 'lease' && holder.stackId === stackId) continue; // its own stack's: not a conflict of others
      const text =
        describeHolder(port, holder) ??
        (await findPortHolder(port).then((l) => (l ? describeHolder(port, { kind: 'process', ...l }) : null)));
      if (text) found.push(text);
    }
  };
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
  await Promise.race([look().catch(() => {}), timeout]);
  return found.length > 0 ? found.join('; ') : null;
}
