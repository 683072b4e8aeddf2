/**
 * Replays journal entries (journal.ts) over a loaded state, oldest first. Deltas apply what they
 * say (leases granted or released, a stack registered or ended); a `holdings` entry (a reclaim)
 * is the whole of one owner's leases and stacks, so it replaces what that owner held; a `forget`
 * entry removes the owner and all it held. A later entry of another owner that takes the same
 * port or stack id wins (it was granted after the first was given up). Owners come back
 * disconnected: live ones resume with their tokens, dead ones are reaped. A stop registration
 * is kept only when admitStop lets it in; the refusals are returned, for the log.
 */
import { admitStop } from './admit-stop.js';
import type { JournalEntry, OwnerHead } from './journal.js';
import { createRegistry, type LeaseRecord, removeLeases } from './registry.js';
import { type CoordinatorState, stopKey } from './state.js';

export function applyJournal(state: CoordinatorState, entries: readonly JournalEntry[]): string[] {
  const refused: string[] = [];
  const admit = (stop: Parameters<typeof admitStop>[1]) => {
    const problem = admitStop(state, stop);
    if (problem !== null) refused.push(problem);
  };
  for (const entry of entries) {
    switch (entry.kind) {
      case 'forget':
        forgetHoldings(state, entry.owner);
        state.owners.delete(entry.owner);
        for (const [key, process] of state.processes) if (process.owner === entry.owner) state.processes.delete(key);
        break;
      case 'holdings': {
        forgetHoldings(state, entry.owner.id);
        const owner = knownOwner(state, entry.owner);
        for (const token of entry.owner.runTokens) owner.runTokens.add(token);
        for (const stack of entry.stacks) state.stacks.set(stack.registration.id, { ...stack, owner: owner.id });
        grant(state, owner.id, entry.leases);
        for (const stop of entry.stops ?? []) admit({ ...stop, owner: owner.id });
        break;
      }
      case 'stop':
        admit({ ...entry.stop, owner: entry.owner });
        break;
      case 'unstop': {
        const key = stopKey(entry.stackId, entry.service);
        if (state.stops.get(key)?.owner === entry.owner) state.stops.delete(key);
        break;
      }
      case 'grant': {
        const owner = knownOwner(state, entry.owner);
        if (entry.runToken !== undefined) owner.runTokens.add(entry.runToken);
        grant(state, owner.id, entry.leases);
        break;
      }
      case 'release': {
        const ports = new Set(entry.ports);
        state.registry = removeLeases(
          state.registry,
          (lease) => lease.owner === entry.owner && ports.has(lease.port),
        ).registry;
        break;
      }
      case 'stack': {
        const owner = knownOwner(state, entry.owner);
        state.stacks.set(entry.stack.registration.id, { ...entry.stack, owner: owner.id });
        break;
      }
      case 'unstack':
        if (state.stacks.get(entry.stackId)?.owner === entry.owner) state.stacks.delete(entry.stackId);
        state.registry = removeLeases(
          state.registry,
          (lease) => lease.owner === entry.owner && lease.stackId === entry.stackId,
        ).registry;
        for (const [key, stop] of state.stops)
          if (stop.owner === entry.owner && stop.stackId === entry.stackId) state.stops.delete(key);
        break;
    }
  }
  return refused;
}

/** The owner an entry names, added (disconnected) when the state does not know it yet. */
function knownOwner(state: CoordinatorState, head: OwnerHead & { readonly runTokens?: readonly string[] }) {
  const existing = state.owners.get(head.id);
  if (existing) return existing;
  const owner = {
    id: head.id,
    pid: head.pid,
    startTime: head.startTime,
    kind: head.kind,
    cwd: head.cwd,
    peer: null,
    reaping: null,
    runTokens: new Set<string>(),
  };
  state.owners.set(owner.id, owner);
  return owner;
}

function grant(state: CoordinatorState, owner: string, records: readonly LeaseRecord[]): void {
  const leases = new Map(state.registry.leases);
  for (const lease of records) {
    leases.set(lease.port, { ...lease, owner });
    state.sticky.remember(lease.stickyKey, { port: lease.port, type: lease.type, at: lease.since });
  }
  state.registry = createRegistry(leases);
}

function forgetHoldings(state: CoordinatorState, ownerId: string): void {
  state.registry = removeLeases(state.registry, (lease) => lease.owner === ownerId).registry;
  for (const [id, stack] of state.stacks) if (stack.owner === ownerId) state.stacks.delete(id);
  for (const [key, stop] of state.stops) if (stop.owner === ownerId) state.stops.delete(key);
}
