/**
 * The life of an owner: created at hello (or resumed with its token), detached when its
 * connection closes, reaped when it is detached and its process is gone. Reaping kills the
 * process groups it reported and the processes carrying its run tokens (off the request path),
 * then frees its leases and stacks.
 */

import type { StopCommand } from '../os/stop-command.js';
import { type HelloParams, helloParams } from '../protocol/coordinator-params.js';
import type { HelloResult } from '../protocol/coordinator-protocol.js';
import { StyxyError } from '../protocol/errors.js';
import { badRequest } from '../transport/envelope.js';
import { describeIssues } from '../transport/envelope-schemas.js';
import type { Peer } from '../transport/rpc-server.js';
import type { Context, KillTarget } from './context.js';
import { removeLeases } from './registry.js';
import { newOwnerToken, type Owner, ownerIdOf } from './state.js';

export function hello(
  core: Context,
  params: unknown,
  peer: Peer,
): { session: Owner; result: Omit<HelloResult, 'protocol'> } {
  const parsed = helloParams.safeParse(params);
  if (!parsed.success) throw badRequest(`invalid hello: ${describeIssues(parsed.error)}`);
  const hello: HelloParams = parsed.data;
  const startTime = core.effects.startTimeOf(hello.pid);
  if (startTime === null) throw badRequest(`pid ${hello.pid} (given in hello) is not running`);
  const problem = core.effects.helloProblem(hello.pid, hello.proof);
  if (problem !== null) {
    throw new StyxyError('STYXY_NOT_OWNER', `hello refused: ${problem}`, {
      hint: 'a client says hello with its own pid, proven by a file it holds open (docs/security.md)',
      details: { pid: hello.pid },
    });
  }
  const base = { pid: core.info.pid, version: core.info.version, startedAt: core.info.startedAt };
  if (hello.resume !== undefined) {
    const owner = core.state.owners.get(ownerIdOf(hello.resume));
    if (owner && owner.reaping === null && owner.pid === hello.pid && sameStart(owner.startTime, startTime)) {
      const previous = owner.peer;
      owner.peer = peer;
      if (previous && !previous.closed) previous.close();
      return { session: owner, result: { ...base, token: hello.resume, resumed: true } };
    }
  }
  const token = newOwnerToken();
  const owner: Owner = {
    id: ownerIdOf(token),
    pid: hello.pid,
    startTime,
    kind: hello.kind,
    cwd: hello.cwd,
    peer,
    reaping: null,
    runTokens: new Set(),
  };
  core.state.owners.set(owner.id, owner);
  return { session: owner, result: { ...base, token, resumed: false } };
}

function sameStart(recorded: string | null, current: string): boolean {
  return recorded === null || recorded === current;
}

/** A connection closed. The owner keeps what it holds while its process lives. */
export function disconnected(core: Context, owner: Owner | null, peer: Peer): void {
  if (!owner || owner.peer !== peer) return; // never said hello, or a newer connection took over
  owner.peer = null;
  if (owner.reaping) return;
  if (core.state.isEmpty(owner)) {
    core.state.owners.delete(owner.id);
    return;
  }
  if (!core.isAlive(owner)) void core.reap(owner, 'its connection closed and its process is gone');
}

/** The liveness sweep (every ~250 ms): reaps detached owners whose process is gone. */
export function sweep(core: Context): void {
  for (const owner of core.state.owners.values()) {
    if (owner.peer === null && owner.reaping === null && !core.isAlive(owner)) {
      void core.reap(owner, 'its process is gone');
    }
  }
}

/**
 * What to kill for `owner`: its reported groups and registered daemons, and the stop commands
 * to run first, by run token (stack token or `styxy run` token).
 */
export function killTargetsOf(core: Context, owner: Owner): KillTarget[] {
  const byToken = new Map<string | null, { groups: KillTarget['groups'][number][]; stops: StopCommand[] }>();
  const add = (token: string | null) => {
    if (!byToken.has(token)) byToken.set(token, { groups: [], stops: [] });
    return byToken.get(token)!;
  };
  const stackToken = (stackId: string | null) =>
    stackId === null ? undefined : core.state.stacks.get(stackId)?.registration.runToken;
  for (const token of owner.runTokens) add(token);
  for (const stack of core.state.stacksOf(owner.id)) add(stack.registration.runToken);
  for (const entry of core.state.processesOf(owner.id)) {
    add(stackToken(entry.stackId) ?? entry.runToken).groups.push({
      pid: entry.pid,
      pgid: entry.pgid,
      startTime: entry.startTime,
    });
  }
  for (const entry of core.state.stopsOf(owner.id)) {
    const target = add(stackToken(entry.stackId) ?? null);
    if (entry.stop) target.stops.push(entry.stop);
    if (entry.daemon) target.groups.push(entry.daemon);
  }
  return [...byToken].map(([token, { groups, stops }]) => ({ token, groups, stops }));
}

/** Creates the core's `reap`: one reap per owner, its promise shared by everyone who waits on it. */
export function createReaper(core: () => Context): (owner: Owner, reason: string) => Promise<void> {
  return (owner, reason) => {
    if (owner.reaping) return owner.reaping;
    const c = core();
    const targets = killTargetsOf(c, owner).filter(
      (target) => target.groups.length > 0 || target.token !== null || target.stops.length > 0,
    );
    const stops = targets.reduce((count, target) => count + target.stops.length, 0);
    if (stops > 0) c.log(`reaping pid ${owner.pid}: running ${stops} stop command(s) first`);
    owner.reaping = (async () => {
      try {
        if (targets.length > 0) await c.effects.kill(targets);
        await sweepLeasedPorts(c, owner);
      } catch (error) {
        c.log(`reaping pid ${owner.pid}: kill failed: ${(error as Error).message}`);
      } finally {
        free(c, owner, reason);
      }
    })();
    return owner.reaping;
  };
}

/**
 * The last step of reaping, before the owner's ports go back: whatever still listens on one of
 * them and started after the owner, as our user, is the owner's too (a daemon that left its group
 * and rewrote its environment, with no pid file registered) and is stopped; anything else there
 * is named in the log. The supervisor does the same after its own stops.
 */
async function sweepLeasedPorts(core: Context, owner: Owner): Promise<void> {
  if (!core.effects.sweepPorts) return;
  const ports = [...core.state.registry.leases.values()]
    .filter((lease) => lease.owner === owner.id)
    .map((lease) => lease.port);
  if (ports.length === 0) return;
  for (const swept of await core.effects.sweepPorts(ports, owner.startTime)) {
    const who = `pid ${swept.pid ?? '?'}${swept.command ? ` (${swept.command})` : ''}`;
    core.log(
      swept.stopped
        ? `reaping pid ${owner.pid}: ${who} still listened on its port ${swept.port}: stopped it`
        : `reaping pid ${owner.pid}: ${who} listens on its port ${swept.port} and is not provably its: left alone`,
    );
  }
}

/**
 * Drops, without killing anything, what a loaded state holds that no check of ours can have let
 * in (a state written by an older Styxy, which took pids on the client's word): owners that no
 * client can be (pid 1, another user's process), and reported processes no client can have
 * started as ours (pid 1: its descendants are every process of the machine).
 */
export function dropImpossible(core: Context): void {
  for (const [key, entry] of core.state.processes) {
    const problem = core.effects.ownerProblem(entry.pid);
    if (problem === null) continue;
    core.state.processes.delete(key);
    core.log(`dropped reported process ${entry.pid} from the state without killing it: ${problem}`);
  }
  for (const owner of [...core.state.owners.values()]) {
    const problem = owner.peer === null ? core.effects.ownerProblem(owner.pid) : null;
    if (problem !== null) free(core, owner, `dropped without killing anything: ${problem}`);
  }
}

function free(core: Context, owner: Owner, reason: string): void {
  const state = core.state;
  const { registry, removed } = removeLeases(state.registry, (lease) => lease.owner === owner.id);
  state.registry = registry;
  const stacks = state.stacksOf(owner.id).map((stack) => stack.registration.id);
  for (const id of stacks) state.stacks.delete(id);
  let processes = 0;
  for (const [key, entry] of state.processes) {
    if (entry.owner !== owner.id) continue;
    state.processes.delete(key);
    processes++;
  }
  for (const [key, entry] of state.stops) if (entry.owner === owner.id) state.stops.delete(key);
  state.owners.delete(owner.id);
  core.journal({ kind: 'forget', owner: owner.id });
  core.persist();
  const ports = removed.map((lease) => lease.port).sort((a, b) => a - b);
  core.log(
    `reaped ${owner.kind} pid ${owner.pid} (${reason}): freed ports [${ports.join(', ')}]` +
      `${stacks.length > 0 ? `, stacks [${stacks.join(', ')}]` : ''}, killed what remained of ${processes} process(es)`,
  );
}
