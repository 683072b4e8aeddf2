/**
 * Everything the coordinator knows, in one place: owners (one per client process connection
 * history), their stacks, leases (the registry), reported processes, stop registrations
 * and sticky ports; and its persisted form. An owner is identified by the hash of the token it was given at hello;
 * only a peer that presents the token resumes it, and nothing else a peer sends (pids, stack
 * ids, request ids) reaches another owner's things.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StopCommand } from '../os/stop-command.js';
import type { ProcessRecord } from '../os/stop-target.js';
import type { StackRegistration } from '../protocol/coordinator-protocol.js';
import type { ServiceSnapshot, StackPhase } from '../protocol/stack.js';
import type { Peer } from '../transport/rpc-server.js';
import { createRegistry, type LeaseRecord, type Registry } from './registry.js';
import type { PersistedState } from './state-file.js';
import { StickyTable } from './sticky.js';

export interface Owner {
  /** sha256 of its token (hex): what state.json keeps. */
  readonly id: string;
  readonly pid: number;
  /** Read by the coordinator from the OS at hello, never taken from the peer. */
  readonly startTime: string | null;
  readonly kind: string;
  readonly cwd: string;
  /** Its current connection; null while disconnected (it keeps what it holds while its pid lives). */
  peer: Peer | null;
  /** Set while its processes are being killed; its leases are freed when that ends. */
  reaping: Promise<void> | null;
  /** STYXY_TAG tokens of its `styxy run` processes. */
  readonly runTokens: Set<string>;
}

export interface StackRecord {
  registration: StackRegistration;
  readonly owner: string;
  readonly since: number;
  phase: StackPhase;
  services: readonly ServiceSnapshot[];
}

export interface ProcessEntry {
  readonly owner: string;
  readonly stackId: string | null;
  readonly service: string;
  readonly pid: number;
  /** The group to kill; the pid itself when the process shares its owner's group. */
  readonly pgid: number;
  readonly startTime: string | null;
  readonly runToken: string | null;
}

/**
 * What to do for one service of a stack if its owner dies (stops.ts): its stop command, and its
 * daemon (verified when registered). Journaled and kept in state.json like the stack itself, so
 * that a coordinator restarted after its owner died still runs it (admit-stop.ts says what is
 * taken back from disk); a live owner sends its own again with its reclaim.
 */
export interface StopEntry {
  readonly owner: string;
  readonly stackId: string;
  readonly service: string;
  readonly stop: StopCommand | null;
  readonly daemon: ProcessRecord | null;
}

export function stopKey(stackId: string, service: string): string {
  return `${stackId}\0${service}`;
}

export function newOwnerToken(): string {
  return randomBytes(24).toString('base64url');
}

export function ownerIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function processKey(stackId: string | null, service: string, pid: number): string {
  return `${stackId ?? ''}\0${service}\0${pid}`;
}

/** An owner as a journal delta names it (journal.ts `OwnerHead`). */
export function ownerHead(owner: Owner) {
  return { id: owner.id, pid: owner.pid, startTime: owner.startTime, kind: owner.kind, cwd: owner.cwd };
}

/** An owner as state.json and the journal keep it. */
export function persistedOwner(owner: Owner) {
  return {
    id: owner.id,
    pid: owner.pid,
    startTime: owner.startTime,
    kind: owner.kind,
    cwd: owner.cwd,
    runTokens: [...owner.runTokens],
  };
}

/** A stack as state.json and the journal keep it. */
export function persistedStack(stack: StackRecord) {
  return {
    owner: stack.owner,
    registration: stack.registration,
    since: stack.since,
    phase: stack.phase,
    services: [...stack.services],
  };
}

/** The coordinator's in-memory part of shared services, never persisted (shared.ts says why). */
export class SharedTable {
  /** key → the stack starting its instance, and since when. */
  readonly starting = new Map<string, { readonly stackId: string; readonly since: number }>();
  /** key → since when its instance has had no user, and when it was told to stop. */
  readonly idle = new Map<string, { readonly since: number; signalled: number | null }>();
}

export class CoordinatorState {
  registry: Registry = createRegistry();
  readonly shared = new SharedTable();
  sticky = new StickyTable();
  readonly owners = new Map<string, Owner>();
  readonly stacks = new Map<string, StackRecord>();
  readonly processes = new Map<string, ProcessEntry>();
  readonly stops = new Map<string, StopEntry>();

  /** True when the owner holds nothing: it can be forgotten as soon as it disconnects. */
  isEmpty(owner: Owner): boolean {
    for (const lease of this.registry.leases.values()) if (lease.owner === owner.id) return false;
    for (const stack of this.stacks.values()) if (stack.owner === owner.id) return false;
    for (const entry of this.processes.values()) if (entry.owner === owner.id) return false;
    return true;
  }

  leasesOf(owner: string): LeaseRecord[] {
    return [...this.registry.leases.values()].filter((lease) => lease.owner === owner);
  }

  stacksOf(owner: string): StackRecord[] {
    return [...this.stacks.values()].filter((stack) => stack.owner === owner);
  }

  stopsOf(owner: string): StopEntry[] {
    return [...this.stops.values()].filter((entry) => entry.owner === owner);
  }

  processesOf(owner: string): ProcessEntry[] {
    return [...this.processes.values()].filter((entry) => entry.owner === owner);
  }

  toPersisted(now: number): Omit<PersistedState, 'format' | 'journal' | 'stops'> & { readonly stops: StopEntry[] } {
    // Who holds anything, in one pass (isEmpty for each owner walked everything once per owner).
    const holding = new Set<string>();
    for (const lease of this.registry.leases.values()) holding.add(lease.owner);
    for (const stack of this.stacks.values()) holding.add(stack.owner);
    for (const entry of this.processes.values()) holding.add(entry.owner);
    return {
      savedAt: now,
      owners: [...this.owners.values()].filter((owner) => holding.has(owner.id)).map(persistedOwner),
      stacks: [...this.stacks.values()].map(persistedStack),
      leases: [...this.registry.leases.values()],
      processes: [...this.processes.values()],
      sticky: this.sticky.entries().map(([key, entry]) => ({ key, ...entry })),
      stops: [...this.stops.values()],
    };
  }

  /**
   * Loads a persisted state; every owner starts disconnected (it resumes with its token). Its
   * stop registrations are not taken here: they go through admitStop (durable-state.ts).
   */
  static fromPersisted(state: PersistedState): CoordinatorState {
    const result = new CoordinatorState();
    for (const owner of state.owners) {
      result.owners.set(owner.id, { ...owner, peer: null, reaping: null, runTokens: new Set(owner.runTokens) });
    }
    const known = (owner: string) => result.owners.has(owner);
    for (const stack of state.stacks) if (known(stack.owner)) result.stacks.set(stack.registration.id, { ...stack });
    const leases = new Map<number, LeaseRecord>();
    for (const lease of state.leases) if (known(lease.owner) && !leases.has(lease.port)) leases.set(lease.port, lease);
    result.registry = createRegistry(leases);
    for (const entry of state.processes) {
      if (known(entry.owner)) result.processes.set(processKey(entry.stackId, entry.service, entry.pid), entry);
    }
    result.sticky = new StickyTable(state.sticky.map(({ key, port, type, at }) => [key, { port, type, at }] as const));
    return result;
  }
}
