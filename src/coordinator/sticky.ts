/**
 * Sticky ports: the port each (project root, stack name, service, port name) had last, so that
 * bookmarks, OAuth callbacks and cookies keep working across runs. A bounded table, least
 * recently leased forgotten first. Mutable on purpose: copying thousands of entries on every
 * lease would cost more than the lease (the registry holds only live leases).
 */

export interface StickyEntry {
  readonly port: number;
  readonly type: string | null;
  /** Epoch ms of the last lease. */
  readonly at: number;
}

/** Entries kept at most. */
export const MAX_STICKY = 4096;

/** The key of one port: same project folder, stack name, service and port name. */
export function stickyKey(root: string, stackName: string, service: string, portName: string): string {
  return JSON.stringify([root, stackName, service, portName]);
}

/** The key of a shared instance's port: its shared key (whichever folder started it), service and port name. */
export function sharedStickyKey(key: string, request: { service: string; portName: string }): string {
  return JSON.stringify(['shared', key, request.service, request.portName]);
}

export class StickyTable {
  // Map iteration order is insertion order: re-inserting on use makes the first key the oldest.
  readonly #entries = new Map<string, StickyEntry>();

  constructor(
    entries: Iterable<readonly [string, StickyEntry]> = [],
    readonly max: number = MAX_STICKY,
  ) {
    for (const [key, entry] of entries) this.remember(key, entry);
  }

  get(key: string): StickyEntry | undefined {
    return this.#entries.get(key);
  }

  remember(key: string, entry: StickyEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get size(): number {
    return this.#entries.size;
  }

  entries(): [string, StickyEntry][] {
    return [...this.#entries];
  }
}
