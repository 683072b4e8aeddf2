/** What scenario 2 checks after each round, from the outside: /proc, the coordinator, the ports. */
import { readFileSync } from 'node:fs';
import type { StackInfo } from '../../dist/protocol/coordinator-protocol.js';
import { coordinatorProcesses, withClient } from '../lib/coordinator.ts';
import { commandOf, isCoordinator, processesOfHome, processesTagged, running } from '../lib/processes.ts';
import { httpGet, listenerTag, type StartedStack, stackPorts } from '../lib/stacks.ts';
import type { StressHome } from '../lib/stress-home.ts';

export interface ChaosStack extends StartedStack {
  readonly runToken: string;
}

/** Leases outside the stacks (rival clients): allowed in the table, checked like new stacks. */
export interface OtherHolder {
  readonly pid: number;
  readonly ports: readonly number[];
  /** The run token of its command (its processes are not strays). */
  readonly token: string | null;
}

export interface Inspection {
  readonly coordinator: string[];
  readonly reaped: string[];
  readonly kept: string[];
  readonly serving: string[];
  readonly table: string[];
  readonly newcomers: string[];
  readonly strays: string[];
}

const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((port, i) => port === b[i]);

/** True once the killed stacks are gone and every live one is registered to its supervisor. */
export async function settled(
  home: StressHome,
  live: readonly ChaosStack[],
  dead: readonly ChaosStack[],
): Promise<boolean> {
  if (coordinatorProcesses(home).length !== 1) return false;
  const stacks = await withClient(home, (client) => client.listStacks());
  const ids = new Map(stacks.map((stack) => [stack.id, stack]));
  if (dead.some((stack) => ids.has(stack.id) || processesTagged(stack.runToken).length > 0)) return false;
  return live.every((stack) => ids.get(stack.id)?.pid === stack.pid);
}

export async function inspect(
  home: StressHome,
  live: readonly ChaosStack[],
  dead: readonly ChaosStack[],
  newcomers: readonly ChaosStack[],
  survivors: readonly ChaosStack[],
  others: readonly OtherHolder[],
): Promise<Inspection> {
  const coordinators = coordinatorProcesses(home);
  const coordinator =
    coordinators.length === 1 ? [] : [`${coordinators.length} coordinator processes: ${coordinators.join(', ')}`];
  let stacks: readonly StackInfo[] = [];
  let leases: readonly { port: number; pid: number; stackId: string | null }[] = [];
  try {
    [stacks, leases] = await withClient(home, async (client) => [await client.listStacks(), await client.listLeases()]);
  } catch (error) {
    coordinator.push(`the coordinator does not answer: ${(error as Error).message}`);
  }
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));

  const reaped: string[] = [];
  for (const stack of dead) {
    if (byId.has(stack.id)) reaped.push(`${stack.id} is still registered (pid ${byId.get(stack.id)!.pid})`);
    const held = leases.filter((lease) => lease.stackId === stack.id).map((lease) => lease.port);
    if (held.length > 0) reaped.push(`${stack.id} still holds ports ${held.join(', ')}`);
    const tagged = processesTagged(stack.runToken);
    if (tagged.length > 0)
      reaped.push(
        `${stack.id}: processes with its run tag still run: ${tagged.map((pid) => `${pid} (${commandOf(pid).slice(0, 60)})`).join(', ')}`,
      );
    if (running(stack.pid)) reaped.push(`${stack.id}: its supervisor ${stack.pid} still runs`);
    for (const [service, pid] of Object.entries(stack.servicePids)) {
      if (pid !== null && running(pid) && !isCoordinator(pid))
        reaped.push(`${stack.id}: ${service} (pid ${pid}) still runs`);
    }
  }

  const kept: string[] = [];
  const serving: string[] = [];
  for (const stack of live) {
    const expected = stackPorts(stack);
    const info = byId.get(stack.id);
    if (!info) {
      kept.push(`${stack.id} is not registered any more`);
      continue;
    }
    if (info.pid !== stack.pid)
      kept.push(`${stack.id} is registered to pid ${info.pid}, not its supervisor ${stack.pid}`);
    const leased = leases.filter((lease) => lease.stackId === stack.id);
    const leasedPorts = leased.map((lease) => lease.port).sort((a, b) => a - b);
    if (!same(leasedPorts, expected))
      kept.push(
        `${stack.id} had ports ${expected.join(', ')}; the coordinator lists ${leasedPorts.join(', ') || 'none'}`,
      );
    for (const lease of leased)
      if (lease.pid !== stack.pid)
        kept.push(`port ${lease.port} of ${stack.id} is owned by pid ${lease.pid}, not ${stack.pid}`);
    const viewPorts = info.services.flatMap((service) => Object.values(service.ports)).sort((a, b) => a - b);
    if (!same(viewPorts, expected))
      kept.push(`${stack.id}'s own view has ports ${viewPorts.join(', ')}, not ${expected.join(', ')}`);
    for (const [service, ports] of Object.entries(stack.ports)) {
      for (const port of Object.values(ports)) {
        const status = await httpGet(port, service === 'api' ? '/health' : '/');
        if (status !== 200) serving.push(`${stack.id}: ${service} on :${port} answered ${status}`);
        const listener = await listenerTag(port);
        if (!listener) serving.push(`${stack.id}: nothing listens on ${service}'s port ${port}`);
        else if (!listener.tag?.startsWith(`${stack.runToken}:`)) {
          serving.push(
            `${stack.id}: port ${port} is held by pid ${listener.pid} tagged ${listener.tag ?? '(none)'}, not by the stack`,
          );
        }
      }
    }
  }

  const table: string[] = [];
  const owners = new Map<number, string>();
  for (const stack of live) {
    for (const port of stackPorts(stack)) {
      if (owners.has(port)) table.push(`port ${port} belongs to both ${owners.get(port)} and ${stack.id}`);
      owners.set(port, stack.id);
    }
  }
  for (const other of others) {
    for (const port of other.ports) {
      if (owners.has(port)) table.push(`port ${port} belongs to both ${owners.get(port)} and rival pid ${other.pid}`);
      owners.set(port, `rival pid ${other.pid}`);
    }
  }
  for (const lease of leases) {
    if (!owners.has(lease.port))
      table.push(
        `port ${lease.port} is leased to ${lease.stackId ?? 'no stack'} (pid ${lease.pid}), which is not a live stack's`,
      );
  }

  const newcomerProblems: string[] = [];
  const held = new Map(survivors.flatMap((stack) => stackPorts(stack).map((port) => [port, stack.id] as const)));
  for (const stack of newcomers) {
    for (const port of stackPorts(stack)) {
      if (held.has(port))
        newcomerProblems.push(`new stack ${stack.id} got port ${port}, held by live stack ${held.get(port)}`);
    }
  }

  const strays: string[] = [];
  const supervisors = new Set([...live.map((stack) => stack.pid), ...others.map((other) => other.pid)]);
  const tokens = [
    ...live.map((stack) => stack.runToken),
    ...others.flatMap((other) => (other.token ? [other.token] : [])),
  ].map((token) => `${token}:`);
  for (const pid of processesOfHome(`${home.home}\0`)) {
    if (isCoordinator(pid) || supervisors.has(pid)) continue;
    let tag = '';
    try {
      tag =
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .find((entry) => entry.startsWith('STYXY_TAG=')) ?? '';
    } catch {
      continue; // gone meanwhile
    }
    if (!tokens.some((token) => tag.startsWith(`STYXY_TAG=${token}`))) {
      strays.push(`pid ${pid} (${commandOf(pid).slice(0, 80)}) ${tag || 'untagged'} belongs to no live stack`);
    }
  }
  return { coordinator, reaped, kept, serving, table, newcomers: newcomerProblems, strays };
}
