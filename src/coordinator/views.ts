/**
 * What the coordinator tells about itself: lease rows for `ls`, stacks for `ps --all`, port
 * checks, status. Read-only over the state.
 */
import { basename } from 'node:path';
import { processHolder } from '../os/port-holder.js';
import { MAX_PAGE_BYTES } from '../protocol/coordinator-params.js';
import type {
  CoordinatorResult,
  DaemonStatus,
  Lease,
  LeaseInfo,
  PortCheck,
  StackInfo,
} from '../protocol/coordinator-protocol.js';
import { PROTOCOL_VERSION, STYXY_BUILD } from '../protocol/version.js';
import type { Context } from './context.js';
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
    ...(stack ? { build: stack.registration.build ?? null } : {}),
  };
}

/** `stack shop/default (pid 4121)` or `` `styxy run` of node (pid 4121) ``. */
export function describeLeaseHolder(core: Context, record: LeaseRecord): string {
  const info = leaseInfo(core, record);
  if (record.stackId !== null)
    return `stack ${info.project}/${info.stack} (service "${info.service}", pid ${info.pid})`;
  return `\`styxy run\` of ${info.service} in ${info.root ?? '?'} (pid ${info.pid})`;
}

/**
 * The items from the start that fit in one reply (at least one), measured in bytes as they go on
 * the wire: however much others hold, every client gets an answer (it asks for the next page).
 */
function page<T, Key>(items: readonly T[], keyOf: (item: T) => Key): { items: T[]; next: Key | null } {
  const taken: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (taken.length > 0 && bytes + size > MAX_PAGE_BYTES) return { items: taken, next: keyOf(taken.at(-1)!) };
    taken.push(item);
    bytes += size;
  }
  return { items: taken, next: null };
}

export function listLeases(core: Context, after?: number): CoordinatorResult<'listLeases'> {
  const rows = [...core.state.registry.leases.values()]
    .filter((record) => after === undefined || record.port > after)
    .sort((a, b) => a.port - b.port)
    .map((record) => leaseInfo(core, record));
  const { items, next } = page(rows, (row) => row.port);
  return { leases: items, next };
}

/** Stacks by id (one when `stackId` is given), without their run tokens: those never leave the coordinator. */
export function listStacks(
  core: Context,
  query: { readonly stackId?: string | undefined; readonly after?: string | undefined },
): CoordinatorResult<'listStacks'> {
  // The leases by stack in one pass: filtering all leases for each stack made a `listStacks` of
  // 100 stacks holding 500 leases 50,000 steps, and `down --all` polls it.
  const leases = new Map<string, LeaseRecord[]>();
  for (const lease of core.state.registry.leases.values()) {
    if (lease.stackId === null) continue;
    if (query.stackId !== undefined && lease.stackId !== query.stackId) continue;
    const held = leases.get(lease.stackId);
    if (held) held.push(lease);
    else leases.set(lease.stackId, [lease]);
  }
  const rows = [...core.state.stacks.values()]
    .filter((stack) => query.stackId === undefined || stack.registration.id === query.stackId)
    .filter((stack) => query.after === undefined || stack.registration.id > query.after)
    .sort((a, b) => (a.registration.id < b.registration.id ? -1 : a.registration.id > b.registration.id ? 1 : 0))
    .map((stack): StackInfo => {
      const { runToken: _secret, ...registration } = stack.registration;
      return {
        ...registration,
        build: registration.build ?? null,
        since: stack.since,
        phase: stack.phase,
        services: stack.services,
        leases: (leases.get(stack.registration.id) ?? []).sort((a, b) => a.port - b.port).map(toLease),
      };
    });
  const { items, next } = page(rows, (row) => row.id);
  return { stacks: items, next };
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
    build: STYXY_BUILD,
  };
}
