/**
 * Stop registrations: what the coordinator does for a service when it reaps the service's dead
 * supervisor (a `kill -9` leaves no one else to do it). A supervisor registers each service's
 * stop command when the service starts, adds its daemon once the daemon is found (`daemon:
 * { pidFile }`: a process no descendant of the supervisor, so reportProcess cannot take it), and
 * clears both when the service has stopped. At reaping the stop commands run first, then
 * everything recorded is killed (owners.ts). docs/security.md, "Daemons".
 *
 * Write-ahead, as a lease: a registration is journaled before it is kept and answered, and
 * refused (STYXY_STATE_WRITE_FAILED) when that fails; a clear is a giving back, never refused.
 * So a coordinator killed after the answer, whose successor starts only after the owner died
 * too, still runs the owner's stop commands and stops its daemons.
 */
import type { z } from 'zod';
import { MAX_STOPS_PER_OWNER, type registerStopParams } from '../protocol/coordinator-params.js';
import type { Context } from './context.js';
import { ownedStack, tooMany } from './stacks.js';
import { type Owner, stopKey } from './state.js';

/** `journal` false: a reclaim, which journals all of the owner's holdings at once. */
export async function registerStop(
  core: Context,
  owner: Owner,
  params: z.infer<typeof registerStopParams>,
  journal = true,
): Promise<{ stop: boolean; daemon: boolean; problem: string | null }> {
  const stack = ownedStack(core, owner, params.stackId);
  const { stops } = core.state;
  const key = stopKey(params.stackId, params.service);
  if (params.stop === null && params.daemon === null) {
    if (stops.delete(key) && journal) {
      core.journal({ kind: 'unstop', owner: owner.id, stackId: params.stackId, service: params.service });
      core.persist();
    }
    return { stop: false, daemon: false, problem: null };
  }
  if (!stops.has(key) && core.state.stopsOf(owner.id).length >= MAX_STOPS_PER_OWNER) {
    throw tooMany('stop registrations', MAX_STOPS_PER_OWNER);
  }
  let daemon = null;
  let problem: string | null = null;
  if (params.daemon !== null) {
    const verdict = await core.effects.verifyDaemon({
      pid: params.daemon.pid,
      pidFile: params.daemon.pidFile,
      root: stack.registration.root,
      ownerStartTime: owner.startTime,
      leasedPorts: core.state
        .leasesOf(owner.id)
        .filter((lease) => lease.stackId === params.stackId)
        .map((lease) => lease.port),
      excluded: [owner.pid, core.info.pid],
    });
    // Refused, the daemon is not recorded (its stop command still is): the reply says why.
    if (verdict.ok) daemon = verdict.record;
    else problem = `pid ${params.daemon.pid} is not provably the stack's: ${verdict.problem}`;
  }
  // The stack may have ended while the daemon was checked.
  if (core.state.stacks.get(params.stackId)?.owner !== owner.id) return { stop: false, daemon: false, problem };
  const entry = { owner: owner.id, stackId: params.stackId, service: params.service, stop: params.stop, daemon };
  if (journal) core.journal({ kind: 'stop', owner: owner.id, stop: entry }, 'the stop registration');
  stops.set(key, entry);
  if (journal) core.persist();
  return { stop: params.stop !== null, daemon: daemon !== null, problem };
}

/** Drops the stop registrations of one stack of `owner` (or all of its stacks). */
export function dropStops(core: Context, owner: Owner, stackId?: string): void {
  for (const [key, entry] of core.state.stops) {
    if (entry.owner === owner.id && (stackId === undefined || entry.stackId === stackId)) core.state.stops.delete(key);
  }
}
