/**
 * The lease table: which port is leased to whom. The functions change the registry they are
 * given, in place, and return it: they used to return a copy of the whole table, which with
 * 700 leases cost ~80 µs for each lease and again for each release (plus its garbage) and made
 * 64 clients' lease + release 1.45× slower with 100 stacks held (bench/scale.ts). Nothing kept
 * an old registry to compare against. A batch is checked whole before anything changes, so a
 * refused one leaves the table as it was. Sticky assignments live beside it in sticky.ts.
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

/** A new, empty table (each state its own: the table changes in place). */
export function createRegistry(leases: Map<number, LeaseRecord> = new Map()): Registry {
  return { leases };
}

function table(registry: Registry): Map<number, LeaseRecord> {
  return registry.leases as Map<number, LeaseRecord>;
}

/** Adds leases. Throws on a port already leased, changing nothing: that would be a double lease (a bug upstream). */
export function addLeases(registry: Registry, leases: readonly LeaseRecord[]): Registry {
  const ports = new Set<number>();
  for (const lease of leases) {
    if (registry.leases.has(lease.port) || ports.has(lease.port))
      throw new Error(`port ${lease.port} is already leased`);
    ports.add(lease.port);
  }
  for (const lease of leases) table(registry).set(lease.port, lease);
  return registry;
}

/**
 * Removes the leases `which` selects (of `ports` only, when given: then only those are looked
 * at, not the whole table). Returns the registry and what was removed.
 */
export function removeLeases(
  registry: Registry,
  which: (lease: LeaseRecord) => boolean,
  ports?: Iterable<number>,
): { registry: Registry; removed: LeaseRecord[] } {
  const removed: LeaseRecord[] = [];
  const candidates =
    ports === undefined
      ? [...registry.leases.values()]
      : [...new Set(ports)].flatMap((port) => registry.leases.get(port) ?? []);
  for (const lease of candidates) {
    if (!which(lease)) continue;
    table(registry).delete(lease.port);
    removed.push(lease);
  }
  return { registry, removed };
}

/** Leases of one owner, in port order. */
export function leasesOf(registry: Registry, owner: string): LeaseRecord[] {
  return [...registry.leases.values()].filter((lease) => lease.owner === owner).sort((a, b) => a.port - b.port);
}
