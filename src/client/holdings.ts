/**
 * The client's own record of what it holds: its stacks (with their latest status), leases,
 * reported processes, stop registrations and run tokens. After every reconnection it is sent whole (`reclaim`), and
 * the coordinator makes its table agree, so nothing is lost when the coordinator restarts or a
 * request was cut off mid-flight.
 */
import type { CoordinatorParams, Lease, ReclaimResult, StackRegistration } from '../protocol/coordinator-protocol.js';
import type { ServiceSnapshot, StackPhase } from '../protocol/stack.js';

type ProcessReport = CoordinatorParams<'reportProcess'>;

interface HeldStack {
  registration: StackRegistration;
  phase?: StackPhase;
  services?: readonly ServiceSnapshot[];
}

const processKey = (report: { stackId: string | null; service: string; pid: number }) =>
  `${report.stackId ?? ''}\0${report.service}\0${report.pid}`;

export class Holdings {
  readonly #stacks = new Map<string, HeldStack>();
  readonly #leases = new Map<number, Lease>();
  readonly #processes = new Map<string, ProcessReport>();
  readonly #runTokens = new Set<string>();
  readonly #stops = new Map<string, CoordinatorParams<'registerStop'>>();

  addLeases(leases: readonly Lease[]): void {
    for (const lease of leases) this.#leases.set(lease.port, lease);
  }

  /** Forgets these ports (all of them when omitted). */
  releasePorts(ports?: readonly number[]): void {
    if (ports === undefined) this.#leases.clear();
    else for (const port of ports) this.#leases.delete(port);
  }

  addRunToken(token: string): void {
    this.#runTokens.add(token);
  }

  registerStack(registration: StackRegistration): void {
    const held = this.#stacks.get(registration.id);
    if (held) held.registration = registration;
    else this.#stacks.set(registration.id, { registration });
  }

  updateRegistration(stackId: string, changes: { readonly controlSocket?: string | null }): void {
    const held = this.#stacks.get(stackId);
    if (held && changes.controlSocket !== undefined) {
      held.registration = { ...held.registration, controlSocket: changes.controlSocket };
    }
  }

  updateStack(stackId: string, phase: StackPhase, services: readonly ServiceSnapshot[]): void {
    const held = this.#stacks.get(stackId);
    if (!held) return;
    held.phase = phase;
    held.services = services;
  }

  /** Forgets a stack with its leases and processes. */
  dropStack(stackId: string): void {
    this.#stacks.delete(stackId);
    for (const [port, lease] of this.#leases) if (lease.stackId === stackId) this.#leases.delete(port);
    for (const [key, report] of this.#processes) if (report.stackId === stackId) this.#processes.delete(key);
    for (const [key, stop] of this.#stops) if (stop.stackId === stackId) this.#stops.delete(key);
  }

  registerStop(registration: CoordinatorParams<'registerStop'>): void {
    const key = `${registration.stackId}\0${registration.service}`;
    if (registration.stop === null && registration.daemon === null) this.#stops.delete(key);
    else this.#stops.set(key, registration);
  }

  reportProcess(report: ProcessReport): void {
    this.#processes.set(processKey(report), report);
    if (report.runToken !== undefined) this.#runTokens.add(report.runToken);
  }

  reportExit(report: CoordinatorParams<'reportExit'>): void {
    this.#processes.delete(processKey(report));
  }

  hasStack(stackId: string): boolean {
    return this.#stacks.has(stackId);
  }

  /** Everything held, as the `reclaim` request carries it. */
  toReclaim(): CoordinatorParams<'reclaim'> {
    return {
      stacks: [...this.#stacks.values()].map((held) => ({ ...held })),
      leases: [...this.#leases.values()].map((lease) => ({
        port: lease.port,
        type: lease.type,
        service: lease.service,
        portName: lease.portName,
        stackId: lease.stackId,
        since: lease.since,
      })),
      processes: [...this.#processes.values()].map((report) => ({ ...report })),
      runTokens: [...this.#runTokens],
      stops: [...this.#stops.values()],
    };
  }

  /** Drops what the reclaim found taken by others. */
  forget(result: ReclaimResult): void {
    for (const { stackId } of result.lostStacks) this.dropStack(stackId);
    for (const { port } of result.lostPorts) this.#leases.delete(port);
  }
}
