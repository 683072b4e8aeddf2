/**
 * What the coordinator tells about itself: lease rows for `ls`, stacks for `ps --all`, port
 * checks, status. Read-only over the state.
 */
import { basename } from 'node:path';
import type { DaemonStatus, Lease, LeaseInfo, PortCheck, StackInfo } from '../protocol/coordinator-protocol.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { Context } from './context.js';
import { processHolder } from './port-holder.js';
import type { LeaseRecord } from './registry.js';

export function toLease(record: LeaseRecord): Lease {
  return {
    port: record.port,
    type: record.type,
    service: record.service,
    portName: record.portName,
    stackId: record.stackId,
    since: record.since,
  };
}

/** A lease as `styxy ls` shows it: with its stack (or `run`), project and owner pid. */
export function leaseInfo(core: Context, record: LeaseRecord): LeaseInfo {
  const stack = record.stackId === null ? undefined : core.state.stacks.get(record.stackId);
  const owner = core.state.owners.get(record.owner);
  const root = stack?.registration.root ?? owner?.cwd ?? null;
  return {
    port: record.port,
    type: record.type,
    stack: stack?.registration.name ?? 'run',
    project: stack?.registration.project ?? (root ? basename(root) : ''),
    service: record.service,
    portName: record.portName,
    pid: owner?.pid ?? 0,
    since: new Date(record.since).toISOString(),
    stackId: record.stackId,
    root,
  };
}

/** `stack shop/default (pid 4121)` or `` `styxy run` of node (pid 4121) ``. */
export function describeLeaseHolder(core: Context, record: LeaseRecord): string {
  const info = leaseInfo(core, record);
  if (record.stackId !== null)
    return `stack ${info.project}/${info.stack} (service "${info.service}", pid ${info.pid})`;
  return `\`styxy run\` of ${info.service} in ${info.root ?? '?'} (pid ${info.pid})`;
}

export function listLeases(core: Context): LeaseInfo[] {
  return [...core.state.registry.leases.values()]
    .sort((a, b) => a.port - b.port)
    .map((record) => leaseInfo(core, record));
}

export function listStacks(core: Context): StackInfo[] {
  const leases = [...core.state.registry.leases.values()];
  return [...core.state.stacks.values()]
    .sort((a, b) => a.since - b.since)
    .map((stack) => ({
      ...stack.registration,
      since: stack.since,
      phase: stack.phase,
      services: stack.services,
      leases: leases
        .filter((lease) => lease.stackId === stack.registration.id)
        .sort((a, b) => a.port - b.port)
        .map(toLease),
    }));
}

export async function checkPort(core: Context, port: number): Promise<PortCheck> {
  const lease = core.state.registry.leases.get(port);
  if (lease) return { port, free: false, holder: { kind: 'lease', ...leaseInfo(core, lease) } };
  if (await core.effects.probe(port)) return { port, free: true, holder: null };
  const holder = await core.effects.holderOf(port);
  return {
    port,
    free: false,
    holder: processHolder(holder),
  };
}

export function status(core: Context, connections: number): DaemonStatus & { home: string } {
  return {
    running: true,
    pid: core.info.pid,
    socket: core.info.socket,
    version: core.info.version,
    uptimeMs: core.effects.now() - core.info.startedAt,
    leases: core.state.registry.leases.size,
    stacks: core.state.stacks.size,
    protocol: PROTOCOL_VERSION,
    owners: core.state.owners.size,
    connections,
    home: core.info.home,
  };
}
