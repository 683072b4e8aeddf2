/**
 * After every (re)connection a client sends everything it holds, and the coordinator makes its
 * table agree: what the client still holds and nobody else took is (re)granted; what another
 * owner took meanwhile is reported lost; what the client no longer holds is released. This one
 * step covers a dropped connection, a coordinator restarted from its state file, and one
 * restarted without it (state lost or corrupt).
 *
 * A re-granted port is not probed: the owner's own services are most likely listening on it.
 */
import type { ReclaimParams } from '../protocol/coordinator-params.js';
import type { ReclaimResult } from '../protocol/coordinator-protocol.js';
import type { Context } from './context.js';
import { keyMaker, ownerGone } from './leases.js';
import { addLeases, type LeaseRecord, removeLeases } from './registry.js';
import { tokenHolder } from './run-tokens.js';
import { claimStack, dropStack, reclaimedServices, reportProcess } from './stacks.js';
import { type Owner, persistedOwner, persistedStack } from './state.js';
import { dropStops, registerStop } from './stops.js';
import { leaseInfo } from './views.js';

export function reclaim(core: Context, owner: Owner, params: ReclaimParams): Promise<ReclaimResult> {
  return core.serialize(async () => {
    const state = core.state;
    if (owner.reaping || !state.owners.has(owner.id)) throw ownerGone(owner);
    const lostStacks: { stackId: string; pid: number }[] = [];
    const lostPorts: { port: number; holder: Record<string, unknown> }[] = [];

    // Stacks: drop the ones the client no longer has, claim the ones it has.
    const wanted = new Set(params.stacks.map((stack) => stack.registration.id));
    for (const stack of state.stacksOf(owner.id)) {
      if (!wanted.has(stack.registration.id)) dropStack(core, owner, stack.registration.id);
    }
    const kept = new Set<string>();
    for (const { registration, phase, services } of params.stacks) {
      if (registration.pid !== owner.pid) continue;
      const tokenHeld = tokenHolder(core, owner, registration.runToken);
      let holder: Owner | null;
      try {
        holder = tokenHeld ?? (await claimStack(core, owner, registration, false));
      } catch {
        continue; // past this owner's stack budget: not kept
      }
      if (holder) {
        lostStacks.push({ stackId: registration.id, pid: holder.pid });
        continue;
      }
      const stack = state.stacks.get(registration.id)!;
      if (phase !== undefined) stack.phase = phase;
      if (services !== undefined) stack.services = reclaimedServices(services);
      kept.add(registration.id);
    }

    // Leases: exactly the client's, minus what someone else holds now.
    const wantedPorts = new Map(
      params.leases
        .filter((lease) => lease.stackId === null || kept.has(lease.stackId))
        .map((lease) => [lease.port, lease]),
    );
    state.registry = removeLeases(state.registry, (lease) => {
      if (lease.owner !== owner.id) return false;
      const want = wantedPorts.get(lease.port);
      return !want || want.stackId !== lease.stackId;
    }).registry;
    const regranted: LeaseRecord[] = [];
    for (const lease of params.leases) {
      const current = state.registry.leases.get(lease.port);
      if (lease.stackId !== null && !kept.has(lease.stackId)) {
        lostPorts.push({ port: lease.port, holder: current ? { kind: 'lease', ...leaseInfo(core, current) } : {} });
        continue;
      }
      if (current?.owner === owner.id) continue;
      if (current) {
        lostPorts.push({ port: lease.port, holder: { kind: 'lease', ...leaseInfo(core, current) } });
        continue;
      }
      const keyOf = keyMaker(core, owner, lease.stackId);
      regranted.push({ ...lease, owner: owner.id, stickyKey: keyOf(lease) });
    }
    state.registry = addLeases(state.registry, regranted);

    // Processes and run tokens: replaced by the client's list (what it may not claim left out).
    for (const [key, entry] of state.processes) if (entry.owner === owner.id) state.processes.delete(key);
    owner.runTokens.clear();
    for (const token of params.runTokens) if (tokenHolder(core, owner, token) === null) owner.runTokens.add(token);
    for (const report of params.processes) {
      if (report.stackId !== null && !kept.has(report.stackId)) continue;
      try {
        reportProcess(core, owner, report);
      } catch {
        // A process the owner may not report (its own pid, one it did not start): skip it.
      }
    }
    // Stop registrations: replaced by the client's (journaled below with the rest).
    dropStops(core, owner);
    for (const registration of params.stops) {
      if (!kept.has(registration.stackId)) continue;
      await registerStop(core, owner, registration, false).catch(() => {});
    }
    if (lostPorts.length > 0 || lostStacks.length > 0) {
      core.log(
        `reclaim by ${owner.kind} pid ${owner.pid}: lost ports [${lostPorts.map((p) => p.port).join(', ')}]` +
          `, stacks [${lostStacks.map((s) => s.stackId).join(', ')}]`,
      );
    }
    // All of what the owner holds now: a reclaim changes all of it. Not a refusal when it cannot
    // be written: these ports are the live holder's already, and taking them back would hurt it.
    core.journal({
      kind: 'holdings',
      owner: persistedOwner(owner),
      stacks: state.stacksOf(owner.id).map(persistedStack),
      leases: state.leasesOf(owner.id),
      stops: state.stopsOf(owner.id),
    });
    core.persist();
    return { lostPorts, lostStacks };
  });
}
