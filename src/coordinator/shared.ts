/**
 * Shared services (docs/architecture.md, "Shared services"): one instance per key, started by the
 * first stack that needs it, stopped after `keepAlive` once no stack uses it.
 *
 * The references are the stacks' own registrations: a stack that uses a shared service names it
 * in `uses` when it registers, and the instance's stack names its key in `shared`. So a reference
 * is created atomically with the stack, ends with it (unregistered or reaped after a `kill -9`),
 * and is kept by state.json and the journal like the stack itself. What is not persisted is
 * transient: who is starting an instance now (a claim that a dead or slow starter loses), and
 * since when an instance is unused (a restarted coordinator counts its keepAlive again).
 */
import type { z } from 'zod';
import type { acquireSharedParams } from '../protocol/coordinator-params.js';
import type { CoordinatorResult, StackRegistration } from '../protocol/coordinator-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import { instanceJoinable } from '../protocol/shared-instance.js';
import { definitionDifference, sharedMismatch } from '../protocol/shared-mismatch.js';
import type { Context } from './context.js';
import { ownedStack } from './stacks.js';
import type { Owner, StackRecord } from './state.js';

/** A starter that has not registered the instance by then has given up (background `up` times out at 120 s). */
export const START_CLAIM_MS = 150_000;
/** An instance asked to stop (SIGTERM to its supervisor) that still runs after this gets SIGKILL. */
export const STOP_GRACE_MS = 20_000;

function liveStack(core: Context, stack: StackRecord): boolean {
  const owner = core.state.owners.get(stack.owner);
  return !!owner && owner.reaping === null && (owner.peer !== null || core.isAlive(owner));
}

/** The running instance of `key`, if any. */
export function sharedInstance(core: Context, key: string): StackRecord | null {
  for (const stack of core.state.stacks.values()) {
    if (stack.registration.shared?.key === key && liveStack(core, stack)) return stack;
  }
  return null;
}

/** Whether an instance of `key` whose supervisor died is being reaped (its ports not freed yet). */
function reapingInstance(core: Context, key: string): boolean {
  for (const stack of core.state.stacks.values()) {
    if (stack.registration.shared?.key === key && core.state.owners.get(stack.owner)?.reaping) return true;
  }
  return false;
}

/** The stacks holding a reference to `key`. */
export function sharedUsers(core: Context, key: string): StackRecord[] {
  return [...core.state.stacks.values()].filter(
    (stack) => stack.registration.uses?.some((use) => use.key === key) && liveStack(core, stack),
  );
}

/**
 * Checks a registration before it is granted: its shared services must be defined as by the
 * stacks already using (or running) the same keys, and a key has at most one live instance.
 */
export function checkSharedRegistration(core: Context, registration: StackRegistration): void {
  checkSharedDefinitions(core, registration);
  const shared = registration.shared;
  if (!shared) return;
  const instance = sharedInstance(core, shared.key);
  if (instance && instance.registration.id !== registration.id) {
    throw new StyxyError(
      'STYXY_STACK_RUNNING',
      `shared service "${shared.service}" already runs (stack ${instance.registration.id}, pid ${instance.registration.pid})`,
      {
        hint: 'stacks that use it join that instance',
        details: { stackId: instance.registration.id, pid: instance.registration.pid },
      },
    );
  }
}

/**
 * Refuses a registration whose shared services are defined otherwise by a stack already using
 * (or running) the same key: two configs sharing a key must run the same thing.
 */
export function checkSharedDefinitions(core: Context, registration: StackRegistration): void {
  const mine = [...(registration.uses ?? []), ...(registration.shared ? [registration.shared] : [])];
  if (mine.length === 0) return;
  for (const stack of core.state.stacks.values()) {
    if (stack.registration.id === registration.id || !liveStack(core, stack)) continue;
    const theirs = [
      ...(stack.registration.uses ?? []),
      ...(stack.registration.shared ? [stack.registration.shared] : []),
    ];
    for (const use of mine) {
      const other = theirs.find((candidate) => candidate.key === use.key);
      if (!other) continue;
      const difference = definitionDifference(use.definition, other.definition);
      if (difference === null) continue;
      throw sharedMismatch(use, other, stack.registration, difference);
    }
  }
}

/**
 * Start or join: answered in one synchronous step, so of N stacks asking at once exactly one is
 * told to start the instance and the others wait for it.
 */
export function acquireShared(
  core: Context,
  owner: Owner,
  params: z.infer<typeof acquireSharedParams>,
): CoordinatorResult<'acquireShared'> {
  const stack = ownedStack(core, owner, params.stackId);
  const use = stack.registration.uses?.find((candidate) => candidate.service === params.service);
  if (!use) {
    throw new StyxyError(
      'STYXY_UNKNOWN_SERVICE',
      `stack "${params.stackId}" did not register "${params.service}" as a shared service it uses`,
    );
  }
  const table = core.state.shared;
  const idle = table.idle.get(use.key);
  const instance = sharedInstance(core, use.key);
  if (instance) {
    if (idle?.signalled != null) return { action: 'wait', reason: 'its instance is stopping' };
    table.idle.delete(use.key);
    const service = instance.services.find((candidate) => candidate.name === instance.registration.shared?.service);
    if (!instanceJoinable(instance.phase, service)) {
      return { action: 'wait', reason: `its instance is ${service?.status ?? instance.phase}` };
    }
    const ports: Record<string, number> = {};
    for (const lease of core.state.registry.leases.values()) {
      if (lease.stackId === instance.registration.id) ports[lease.portName] = lease.port;
    }
    return { action: 'join', instance: instance.registration.id, pid: instance.registration.pid, ports };
  }
  // A killed instance is reaped before another starts: it gets back the ports the dead one held.
  if (reapingInstance(core, use.key)) return { action: 'wait', reason: 'its killed instance is being reaped' };
  const claim = table.starting.get(use.key);
  const now = core.effects.now();
  if (claim && claim.stackId !== stack.registration.id) {
    const starter = core.state.stacks.get(claim.stackId);
    if (starter && liveStack(core, starter) && now - claim.since < START_CLAIM_MS) {
      return {
        action: 'wait',
        reason: `stack ${starter.registration.project}/${starter.registration.name} is starting it`,
      };
    }
  }
  if (claim?.stackId === stack.registration.id && now - claim.since < START_CLAIM_MS) {
    return { action: 'wait', reason: 'this stack is starting it' };
  }
  table.starting.set(use.key, { stackId: stack.registration.id, since: now });
  core.log(`stack ${stack.registration.id} starts shared service "${use.service}" (${use.key})`);
  return { action: 'start' };
}

/** The instance of `key` registered: nobody is starting it any more. */
export function sharedRegistered(core: Context, registration: StackRegistration): void {
  if (registration.shared) core.state.shared.starting.delete(registration.shared.key);
}

/**
 * Part of the liveness sweep (every ~250 ms): an instance nobody uses is told to stop (SIGTERM to
 * its supervisor, which stops it like `styxy down`) once it has been unused for its keepAlive,
 * and killed if it is still there STOP_GRACE_MS later (its services are then reaped).
 */
export function sweepShared(core: Context): void {
  const table = core.state.shared;
  const now = core.effects.now();
  const running = new Set<string>();
  for (const stack of core.state.stacks.values()) {
    const shared = stack.registration.shared;
    if (!shared || !liveStack(core, stack)) continue;
    running.add(shared.key);
    if (sharedUsers(core, shared.key).length > 0 && table.idle.get(shared.key)?.signalled == null) {
      table.idle.delete(shared.key);
      continue;
    }
    let idle = table.idle.get(shared.key);
    if (!idle) {
      idle = { since: now, signalled: null };
      table.idle.set(shared.key, idle);
    }
    const owner = core.state.owners.get(stack.owner)!;
    if (idle.signalled === null && now - idle.since >= shared.keepAliveMs) {
      idle.signalled = now;
      core.log(
        `shared service "${shared.service}" (${shared.key}) has no user left: stopping its stack ${stack.registration.id}`,
      );
      core.effects.signal?.(owner.pid, owner.startTime, 'SIGTERM');
    } else if (idle.signalled !== null && now - idle.signalled >= STOP_GRACE_MS) {
      idle.signalled = now;
      core.log(`shared service "${shared.service}" did not stop in ${STOP_GRACE_MS} ms: killing its supervisor`);
      core.effects.signal?.(owner.pid, owner.startTime, 'SIGKILL');
    }
  }
  for (const key of table.idle.keys()) if (!running.has(key)) table.idle.delete(key);
}
