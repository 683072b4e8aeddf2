/**
 * Stacks and the processes owners report. A stack id (project root + stack name) is held by one
 * live owner at a time: that is the "one copy per folder and name" lock of `styxy up`. An owner
 * reports the processes it starts so that they can be killed if it dies.
 */
import type { z } from 'zod';
import type {
  registerStackParams,
  reportExitParams,
  reportProcessParams,
  updateStackParams,
  updateStackRegistrationParams,
} from '../protocol/coordinator-params.js';
import type { StackRegistration } from '../protocol/coordinator-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import { badRequest } from '../transport/envelope.js';
import type { Context } from './context.js';
import { removeLeases } from './registry.js';
import { type Owner, processKey, type StackRecord } from './state.js';

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
 * (returns the live holder) when another live owner has it.
 */
export async function claimStack(core: Context, owner: Owner, registration: StackRegistration): Promise<Owner | null> {
  for (;;) {
    const existing = core.state.stacks.get(registration.id);
    if (existing?.owner === owner.id) {
      existing.registration = registration;
      core.journal(owner);
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
    core.state.stacks.set(registration.id, {
      registration,
      owner: owner.id,
      since: core.effects.now(),
      phase: 'starting',
      services: [],
    });
    core.journal(owner);
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
    core.journal(owner);
    core.persist();
  }
}

export function updateStack(core: Context, owner: Owner, params: z.infer<typeof updateStackParams>): void {
  const stack = ownedStack(core, owner, params.stackId);
  stack.phase = params.phase;
  stack.services = params.services;
  core.persist();
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
  core.journal(owner);
  core.persist();
}

export function unregisterStack(core: Context, owner: Owner, params: { stackId: string }): void {
  ownedStack(core, owner, params.stackId);
  dropStack(core, owner, params.stackId);
}

/** Records a process to kill if `owner` dies. The coordinator reads its start time itself. */
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
  // Never a group that holds the owner or the coordinator (the user's shell job, say): then
  // only the pid, its descendants and its tag are killed.
  const unsafe = new Set([core.effects.groupOf(owner.pid), core.effects.groupOf(core.info.pid)]);
  const pgid = params.pgid <= 1 || unsafe.has(params.pgid) ? params.pid : params.pgid;
  if (params.runToken !== undefined) owner.runTokens.add(params.runToken);
  core.state.processes.set(processKey(params.stackId, params.service, params.pid), {
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
