/**
 * Replays journal entries (journal.ts) over a loaded state, oldest first. Each `holdings` entry
 * is the whole of one owner's leases and stacks after a change, so replaying it replaces what
 * that owner held; a later entry of another owner that takes the same port or stack id wins (it
 * was granted after the first was given up). A `forget` entry removes the owner and all it held.
 * Owners come back disconnected: live ones resume with their tokens, dead ones are reaped.
 */
import type { JournalEntry } from './journal.js';
import { removeLeases } from './registry.js';
import type { CoordinatorState } from './state.js';

export function applyJournal(state: CoordinatorState, entries: readonly JournalEntry[]): void {
  for (const entry of entries) {
    const ownerId = entry.kind === 'forget' ? entry.owner : entry.owner.id;
    forgetHoldings(state, ownerId);
    if (entry.kind === 'forget') {
      state.owners.delete(ownerId);
      for (const [key, process] of state.processes) if (process.owner === ownerId) state.processes.delete(key);
      continue;
    }
    const existing = state.owners.get(ownerId);
    const runTokens = new Set([...(existing?.runTokens ?? []), ...entry.owner.runTokens]);
    state.owners.set(ownerId, existing ?? { ...entry.owner, peer: null, reaping: null, runTokens });
    if (existing) for (const token of runTokens) existing.runTokens.add(token);
    for (const stack of entry.stacks) state.stacks.set(stack.registration.id, { ...stack, owner: ownerId });
    const leases = new Map(state.registry.leases);
    for (const lease of entry.leases) {
      leases.set(lease.port, { ...lease, owner: ownerId });
      state.sticky.remember(lease.stickyKey, { port: lease.port, type: lease.type, at: lease.since });
    }
    state.registry = { leases };
  }
}

function forgetHoldings(state: CoordinatorState, ownerId: string): void {
  state.registry = removeLeases(state.registry, (lease) => lease.owner === ownerId).registry;
  for (const [id, stack] of state.stacks) if (stack.owner === ownerId) state.stacks.delete(id);
}
