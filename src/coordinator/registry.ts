/**
 * The lease table: which port is leased to whom. Pure: every function takes a registry and
 * returns a new one (never changing the old), so the property test can drive it without
 * sockets or timers. Sticky assignments live beside it in sticky.ts.
 */

export interface LeaseRecord {
  readonly port: number;
  readonly type: string | null;
  readonly service: string;
  readonly portName: string;
  /** The stack it belongs to; null for `styxy run`. */
  readonly stackId: string | null;
  /** The owner's id (coordinator-side; a hash of its token). */
  readonly owner: string;
  /** Epoch ms. */
  readonly since: number;
  /** Where the sticky assignment is kept (sticky.ts). */
  readonly stickyKey: string;
}

export interface Registry {
  readonly leases: ReadonlyMap<number, LeaseRecord>;
}

export const emptyRegistry: Registry = { leases: new Map() };

/** Adds leases. Throws on a port already leased: that would be a double lease (a bug upstream). */
export function addLeases(registry: Registry, leases: readonly LeaseRecord[]): Registry {
  if (leases.length === 0) return registry;
  const next = new Map(registry.leases);
  for (const lease of leases) {
    if (next.has(lease.port)) throw new Error(`port ${lease.port} is already leased`);
    next.set(lease.port, lease);
  }
  return { leases: next };
}

/** Removes the leases `which` selects. Returns the new registry and what was removed. */
export function removeLeases(
  registry: Registry,
  which: (lease: LeaseRecord) => boolean,
): { registry: Registry; removed: LeaseRecord[] } {
  const removed: LeaseRecord[] = [];
  const next = new Map<number, LeaseRecord>();
  for (const [port, lease] of registry.leases) {
    if (which(lease)) removed.push(lease);
    else next.set(port, lease);
  }
  if (removed.length === 0) return { registry, removed };
  return { registry: { leases: next }, removed };
}

/** Leases of one owner, in port order. */
export function leasesOf(registry: Registry, owner: string): LeaseRecord[] {
  return [...registry.leases.values()].filter((lease) => lease.owner === owner).sort((a, b) => a.port - b.port);
}
