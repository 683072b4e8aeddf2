/**
 * Reserving and releasing ports. Reservations run one at a time (the core's serializer), so a
 * port being probed for one batch cannot be taken by another, and a batch is leased whole or
 * not at all.
 */

import type { z } from 'zod';
import {
  MAX_RUN_TOKENS,
  type planPortsParams,
  type releaseParams,
  type reserveParams,
} from '../protocol/coordinator-params.js';
import type { CoordinatorResult, Lease } from '../protocol/coordinator-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import { BROWSER_BLOCKED_PORTS } from '../protocol/service-types.js';
import type { PortPolicy } from './candidates.js';
import { choosePorts } from './choose-ports.js';
import type { Context } from './context.js';
import { failureError } from './describe-failure.js';
import { addLeases, type LeaseRecord, removeLeases } from './registry.js';
import { assertOwnToken } from './run-tokens.js';
import { ownedStack, tooMany } from './stacks.js';
import { type Owner, ownerHead } from './state.js';
import { sharedStickyKey, stickyKey } from './sticky.js';
import { toLease } from './views.js';

/** The stack name of leases without a stack (`styxy run`), in sticky keys and `ls`. */
export const RUN_STACK_NAME = 'run';

export function policyOf(core: Context): PortPolicy {
  return { types: core.types.get(), ephemeral: core.ephemeral, blocked: BROWSER_BLOCKED_PORTS };
}

/**
 * The sticky key maker of an owner's leases in `stackId` (or its `styxy run` leases). A shared
 * instance's ports are keyed by its shared key, not by the folder of the stack that started it:
 * started again from any worktree (after a `kill -9`, or later), it asks for the port it had, so
 * the stacks using it keep a valid `${db.PORT}`.
 */
export function keyMaker(core: Context, owner: Owner, stackId: string | null) {
  const stack = stackId === null ? undefined : core.state.stacks.get(stackId);
  const shared = stack?.registration.shared;
  if (shared) return (request: { service: string; portName: string }) => sharedStickyKey(shared.key, request);
  const root = stack?.registration.root ?? owner.cwd;
  const name = stack?.registration.name ?? RUN_STACK_NAME;
  return (request: { service: string; portName: string }) => stickyKey(root, name, request.service, request.portName);
}

export function ownerGone(owner: Owner): StyxyError {
  return new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', `owner pid ${owner.pid} is being reaped`);
}

export async function reserve(core: Context, owner: Owner, params: z.infer<typeof reserveParams>): Promise<Lease[]> {
  const stackId = params.stackId ?? null;
  if (stackId !== null) ownedStack(core, owner, stackId);
  const runToken = params.runToken;
  if (runToken !== undefined) {
    assertOwnToken(core, owner, runToken);
    if (!owner.runTokens.has(runToken) && owner.runTokens.size >= MAX_RUN_TOKENS)
      throw tooMany('run tokens', MAX_RUN_TOKENS);
  }
  return core.serialize(async () => {
    const state = core.state;
    if (owner.reaping || !state.owners.has(owner.id)) throw ownerGone(owner);
    const keyOf = keyMaker(core, owner, stackId);
    const result = await choosePorts(
      {
        requests: params.requests,
        policy: policyOf(core),
        leaseOf: (port) => state.registry.leases.get(port),
        stickyOf: (request) => state.sticky.get(keyOf(request))?.port,
      },
      core.effects.probe,
    );
    if (!result.ok) throw await failureError(core, result.failure);
    // The owner may have died, or its stack ended, while its ports were probed.
    if (owner.reaping || !state.owners.has(owner.id)) throw ownerGone(owner);
    if (stackId !== null) ownedStack(core, owner, stackId);
    if (runToken !== undefined) assertOwnToken(core, owner, runToken);
    const now = core.effects.now();
    const records: LeaseRecord[] = params.requests.map((request, index) => ({
      port: result.ports[index]!,
      type: request.type,
      service: request.service,
      portName: request.portName,
      stackId,
      owner: owner.id,
      since: now,
      stickyKey: keyOf(request),
    }));
    // On disk before it is granted: a grant that cannot be recorded is no grant.
    core.journal(
      { kind: 'grant', owner: ownerHead(owner), leases: records, ...(runToken === undefined ? {} : { runToken }) },
      records.length === 1 ? 'the lease' : 'the leases',
    );
    state.registry = addLeases(state.registry, records);
    if (runToken !== undefined) owner.runTokens.add(runToken);
    for (const record of records)
      state.sticky.remember(record.stickyKey, { port: record.port, type: record.type, at: now });
    core.persist();
    return records.map(toLease);
  });
}

/**
 * What `reserve` would grant a stack of `root` and `name` now, granted to no one: the same
 * choice (sticky port, preferred, range; probed), in the same queue, so that it is what a start
 * right after it would get unless someone else takes a port meanwhile. The requests of a shared
 * service (`sharedKeys`) are sticky by its shared key, as its instance's `reserve` would be. A port held by another
 * program or lease is an error naming the holder, as for `reserve`.
 */
export async function planPorts(
  core: Context,
  params: z.infer<typeof planPortsParams>,
): Promise<CoordinatorResult<'planPorts'>> {
  return core.serialize(async () => {
    const state = core.state;
    const result = await choosePorts(
      {
        requests: params.requests,
        policy: policyOf(core),
        leaseOf: (port) => state.registry.leases.get(port),
        stickyOf: (request) => {
          const shared = params.sharedKeys && Object.hasOwn(params.sharedKeys, request.service);
          const key = shared
            ? sharedStickyKey(params.sharedKeys![request.service]!, request)
            : stickyKey(params.root, params.name, request.service, request.portName);
          return state.sticky.get(key)?.port;
        },
      },
      core.effects.probe,
    );
    if (!result.ok) throw await failureError(core, result.failure);
    return params.requests.map((request, index) => ({
      port: result.ports[index]!,
      type: request.type,
      service: request.service,
      portName: request.portName,
    }));
  });
}

export function release(core: Context, owner: Owner, params: z.infer<typeof releaseParams>): { released: number[] } {
  const only = params.ports === undefined ? null : new Set(params.ports);
  const { registry, removed } = removeLeases(
    core.state.registry,
    (lease) => lease.owner === owner.id,
    only ?? undefined,
  );
  if (removed.length === 0) return { released: [] };
  core.state.registry = registry;
  const released = removed.map((lease) => lease.port).sort((a, b) => a - b);
  core.journal({ kind: 'release', owner: owner.id, ports: released });
  core.persist();
  return { released };
}
