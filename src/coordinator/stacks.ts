/**
 * Stacks and the processes owners report. A stack id (project root + stack name) is held by one
 * live owner at a time: that is the "one copy per folder and name" lock of `styxy up`. An owner
 * reports the processes it starts so that they can be killed if it dies; the coordinator checks
 * each report against the OS (a descendant of the owner, of our user; never pid 1 or the
 * coordinator) and refuses what it cannot verify: it kills only what is provably the owner's.
 */
import type { z } from 'zod';
import {
  MAX_PROCESSES_PER_OWNER,
  MAX_STACK_STATUS_BYTES,
  MAX_STACKS_PER_OWNER,
  type registerStackParams,
  type reportExitParams,
  type reportProcessParams,
  type updateStackParams,
  type updateStackRegistrationParams,
} from '../protocol/coordinator-params.js';
import type { StackRegistration } from '../protocol/coordinator-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import type { ServiceSnapshot } from '../protocol/stack.js';
import { badRequest } from '../transport/envelope.js';
import { type Context, PROCESS_GONE } from './context.js';
import { removeLeases } from './registry.js';
import { assertOwnToken } from './run-tokens.js';
import { type Owner, ownerHead, persistedStack, processKey, type StackRecord } from './state.js';

/** A request that would make an owner hold more than the coordinator keeps for one. */
export function tooMany(what: string, max: number): StyxyError {
  return badRequest(`one client may hold at most ${max} ${what}`, { limit: max });
}

/** Services as the coordinator keeps them, refused past their byte budget (they are shown to every client). */
function checkedServices(services: readonly ServiceSnapshot[]): readonly ServiceSnapshot[] {
  const bytes = Buffer.byteLength(JSON.stringify(services));
  if (bytes > MAX_STACK_STATUS_BYTES) {
    throw badRequest(`a stack's status may take ${MAX_STACK_STATUS_BYTES} bytes, not ${bytes}`, {
      limit: MAX_STACK_STATUS_BYTES,
    });
  }
  return services;
}

/** The owner's stack `stackId`, or the error saying why it is not. */
export function ownedStack(core: Context, owner: Owner, stackId: string): StackRecord {
  const stack = core.state.stacks.get(stackId);
  if (!stack) {
    throw new StyxyError('STYXY_STACK_NOT_FOUND', `no stack "${stackId}" is registered`, {
      hint: 'register the stack before reserving ports or reporting processes for it',
    });
  }
  if (stack.owner !== owner.id) {
    const holder = core.state.owners.get(stack.owner);
    throw new StyxyError(
      'STYXY_NOT_OWNER',
      `stack "${stackId}" belongs to another supervisor (pid ${holder?.pid ?? '?'})`,
    );
  }
  return stack;
}

/** The live owner holding stack `stackId` for someone else, or null (free, or held by a dead owner). */
function liveHolder(core: Context, owner: Owner, stack: StackRecord): Owner | null {
  const holder = core.state.owners.get(stack.owner);
  if (!holder || holder.id === owner.id) return null;
  if (holder.reaping === null && (holder.peer !== null || core.isAlive(holder))) return holder;
  return null;
}

export function stackRunning(registration: StackRegistration, holder: Owner, controlSocket: string | null): StyxyError {
  return new StyxyError(
    'STYXY_STACK_RUNNING',
    `stack ${registration.project}/${registration.name} is already running (pid ${holder.pid})`,
    {
      hint: `attach to it with \`styxy attach\`, stop it with \`styxy down\`, or start another copy with \`--name <other>\`${registration.name === 'default' ? '' : ` (this one is --name ${registration.name})`}`,
      details: { stackId: registration.id, pid: holder.pid, controlSocket },
    },
  );
}

/**
 * Takes stack `registration.id` for `owner`: waits for a dead holder to be reaped first; refuses
 * (returns the live holder) when another live owner has it. Journaled before it is granted
 * (STYXY_STATE_WRITE_FAILED when that fails) unless `journal` is false (a reclaim journals all
 * of it at once).
 */
export async function claimStack(
  core: Context,
  owner: Owner,
  registration: StackRegistration,
  journal = true,
): Promise<Owner | null> {
  for (;;) {
    const existing = core.state.stacks.get(registration.id);
    if (existing?.owner === owner.id) {
      assertOwnToken(core, owner, registration.runToken);
      if (journal) {
        const stack = persistedStack({ ...existing, registration });
        core.journal({ kind: 'stack', owner: ownerHead(owner), stack }, 'the stack');
      }
      existing.registration = registration;
      core.persist();
      return null;
    }
    if (existing) {
      const holder = liveHolder(core, owner, existing);
      if (holder) return holder;
      const dead = core.state.owners.get(existing.owner);
      if (dead) {
        await core.reap(dead, `a new supervisor (pid ${owner.pid}) is taking its stack`);
        continue;
      }
    }
    assertOwnToken(core, owner, registration.runToken);
    if (core.state.stacksOf(owner.id).length >= MAX_STACKS_PER_OWNER) throw tooMany('stacks', MAX_STACKS_PER_OWNER);
    const record: StackRecord = {
      registration,
      owner: owner.id,
      since: core.effects.now(),
      phase: 'starting',
      services: [],
    };
    if (journal) core.journal({ kind: 'stack', owner: ownerHead(owner), stack: persistedStack(record) }, 'the stack');
    core.state.stacks.set(registration.id, record);
    core.persist();
    return null;
  }
}

export async function registerStack(
  core: Context,
  owner: Owner,
  params: z.infer<typeof registerStackParams>,
): Promise<void> {
  const registration = params.registration;
  if (registration.pid !== owner.pid) {
    throw badRequest(
      `a stack is registered by its supervisor: pid ${registration.pid} is not this client's pid ${owner.pid}`,
    );
  }
  const holder = await claimStack(core, owner, registration);
  if (holder) {
    const stack = core.state.stacks.get(registration.id);
    throw stackRunning(stack?.registration ?? registration, holder, stack?.registration.controlSocket ?? null);
  }
}

export function updateStackRegistration(
  core: Context,
  owner: Owner,
  params: z.infer<typeof updateStackRegistrationParams>,
): void {
  const stack = ownedStack(core, owner, params.stackId);
  if (params.changes.controlSocket !== undefined) {
    stack.registration = { ...stack.registration, controlSocket: params.changes.controlSocket };
    core.journal({ kind: 'stack', owner: ownerHead(owner), stack: persistedStack(stack) });
    core.persist();
  }
}

export function updateStack(core: Context, owner: Owner, params: z.infer<typeof updateStackParams>): void {
  const stack = ownedStack(core, owner, params.stackId);
  stack.services = checkedServices(params.services);
  stack.phase = params.phase;
  core.persist();
}

/** A reclaim's services for a stack: kept when within budget, else the stack keeps none. */
export function reclaimedServices(services: readonly ServiceSnapshot[]): readonly ServiceSnapshot[] {
  try {
    return checkedServices(services);
  } catch {
    return [];
  }
}

/** Ends a stack: forgets it, its processes and its leases (the supervisor stopped them itself). */
export function dropStack(core: Context, owner: Owner, stackId: string): void {
  const state = core.state;
  state.stacks.delete(stackId);
  state.registry = removeLeases(
    state.registry,
    (lease) => lease.owner === owner.id && lease.stackId === stackId,
  ).registry;
  for (const [key, entry] of state.processes)
    if (entry.owner === owner.id && entry.stackId === stackId) state.processes.delete(key);
  for (const [key, entry] of state.stops)
    if (entry.owner === owner.id && entry.stackId === stackId) state.stops.delete(key);
  core.journal({ kind: 'unstack', owner: owner.id, stackId });
  core.persist();
}

export function unregisterStack(core: Context, owner: Owner, params: { stackId: string }): void {
  ownedStack(core, owner, params.stackId);
  dropStack(core, owner, params.stackId);
}

/**
 * Records a process to kill if `owner` dies, once the OS confirms it is the owner's: the
 * coordinator reads its start time, its parents and its user itself (effects.processProblem),
 * at report time, and refuses (STYXY_NOT_OWNER) what it cannot verify. Its group is recorded only
 * when the process leads it (spawned detached), never the owner's or the coordinator's group.
 */
export function reportProcess(
  core: Context,
  owner: Owner,
  params: z.infer<typeof reportProcessParams>,
): { recorded: boolean } {
  if (params.stackId !== null) ownedStack(core, owner, params.stackId);
  if (params.pid === owner.pid || params.pid === core.info.pid) {
    throw badRequest(`pid ${params.pid} is the owner or the coordinator itself, not a process it started`);
  }
  const startTime = core.effects.startTimeOf(params.pid);
  if (startTime === null) return { recorded: false }; // already gone
  const problem = core.effects.processProblem(owner.pid, params.pid);
  if (problem === PROCESS_GONE) return { recorded: false }; // exited while it was looked at
  if (problem !== null) {
    throw new StyxyError('STYXY_NOT_OWNER', `pid ${params.pid} cannot be reported by pid ${owner.pid}: ${problem}`, {
      hint: 'a client reports only the processes it started itself (its children and their children)',
      details: { pid: params.pid, owner: owner.pid },
    });
  }
  if (params.runToken !== undefined) assertOwnToken(core, owner, params.runToken);
  const key = processKey(params.stackId, params.service, params.pid);
  if (!core.state.processes.has(key) && core.state.processesOf(owner.id).length >= MAX_PROCESSES_PER_OWNER) {
    throw tooMany('reported processes', MAX_PROCESSES_PER_OWNER);
  }
  const group = core.effects.groupOf(params.pid);
  const unsafe = new Set([core.effects.groupOf(owner.pid), core.effects.groupOf(core.info.pid)]);
  const leads = params.pgid === params.pid && group === params.pid && !unsafe.has(group);
  // Otherwise only the pid, its descendants and its tag are killed (pgid = pid marks "no group").
  const pgid = leads ? group : params.pid;
  if (params.runToken !== undefined) owner.runTokens.add(params.runToken);
  core.state.processes.set(key, {
    owner: owner.id,
    stackId: params.stackId,
    service: params.service,
    pid: params.pid,
    pgid,
    startTime,
    runToken: params.runToken ?? null,
  });
  core.persist();
  return { recorded: true };
}

export function reportExit(core: Context, owner: Owner, params: z.infer<typeof reportExitParams>): void {
  const key = processKey(params.stackId, params.service, params.pid);
  if (core.state.processes.get(key)?.owner !== owner.id) return;
  core.state.processes.delete(key);
  core.persist();
}
