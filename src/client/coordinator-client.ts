/**
 * The coordinator client: typed calls (api.ts) over a connection that heals itself
 * (healing-connection.ts), and the client's own record of what it holds (holdings.ts), which
 * the connection sends after every reconnection so that nothing is lost.
 *
 * Calls that give something back or report state (release, unregisterStack, reportExit,
 * reportProcess, updateStack…) update the record first and do not fail while the connection is
 * down: the reclaim after reconnecting carries them. Calls that take something (reserve,
 * registerStack) and queries wait for the connection, up to the client's timeout.
 */
import type { HelloResult } from '../protocol/coordinator-api.js';
import type {
  ConnectOptions,
  CoordinatorClient,
  DaemonStatus,
  Lease,
  LeaseInfo,
  PortCheck,
  PortRequest,
  StackInfo,
  StackRegistration,
} from './api.js';
import { HealingConnection } from './healing-connection.js';
import { Holdings, type ProcessReport } from './holdings.js';

export class CoordinatorConnection implements CoordinatorClient {
  readonly #holdings: Holdings;
  readonly #connection: HealingConnection;

  private constructor(holdings: Holdings, connection: HealingConnection) {
    this.#holdings = holdings;
    this.#connection = connection;
  }

  static async open(options: ConnectOptions): Promise<CoordinatorConnection> {
    const holdings = new Holdings();
    const connection = await HealingConnection.open({
      ...options,
      holdings: () => holdings.toReclaim(),
      onLost: (result) => holdings.forget(result),
    });
    return new CoordinatorConnection(holdings, connection);
  }

  get coordinatorPid(): number {
    return this.#connection.hello.pid;
  }

  /** The coordinator's hello: its pid, version, start time, and whether this owner was resumed. */
  get coordinator(): Readonly<HelloResult> {
    return this.#connection.hello;
  }

  // Taking things: wait for the connection.

  async reserve(batch: {
    readonly stackId?: string;
    readonly requests: readonly PortRequest[];
    readonly runToken?: string;
  }): Promise<Lease[]> {
    const leases = (await this.#connection.call('reserve', batch)) as Lease[];
    this.#holdings.addLeases(leases);
    if (batch.runToken !== undefined) this.#holdings.addRunToken(batch.runToken);
    return leases;
  }

  async registerStack(registration: StackRegistration): Promise<void> {
    await this.#connection.call('registerStack', { registration });
    this.#holdings.registerStack(registration);
  }

  // Giving back and reporting: the record first, carried by the reclaim if cut off.

  async release(ports?: readonly number[]): Promise<void> {
    this.#holdings.releasePorts(ports);
    await this.#connection.tell('release', ports === undefined ? {} : { ports });
  }

  async updateStackRegistration(stackId: string, changes: { readonly controlSocket?: string | null }): Promise<void> {
    this.#holdings.updateRegistration(stackId, changes);
    await this.#connection.tell('updateStackRegistration', { stackId, changes });
  }

  async updateStack(
    stackId: string,
    update: { readonly phase: StackInfo['phase']; readonly services: StackInfo['services'] },
  ): Promise<void> {
    this.#holdings.updateStack(stackId, update.phase, update.services);
    await this.#connection.tell('updateStack', { stackId, ...update });
  }

  async unregisterStack(stackId: string): Promise<void> {
    this.#holdings.dropStack(stackId);
    await this.#connection.tell('unregisterStack', { stackId });
  }

  async reportProcess(report: ProcessReport): Promise<void> {
    this.#holdings.reportProcess(report);
    await this.#connection.tell('reportProcess', report);
  }

  async reportExit(report: {
    readonly stackId: string | null;
    readonly service: string;
    readonly pid: number;
  }): Promise<void> {
    this.#holdings.reportExit(report);
    await this.#connection.tell('reportExit', report);
  }

  // Queries.

  /** Page by page (the coordinator answers each in under a frame, however many there are). */
  async listLeases(): Promise<LeaseInfo[]> {
    const leases: LeaseInfo[] = [];
    let after: number | null | undefined;
    do {
      const page = (await this.#connection.call('listLeases', after == null ? {} : { after })) as {
        leases: LeaseInfo[];
        next: number | null;
      };
      leases.push(...page.leases);
      after = page.next;
    } while (after !== null);
    return leases;
  }

  async listStacks(stackId?: string): Promise<StackInfo[]> {
    const stacks: StackInfo[] = [];
    let after: string | null | undefined;
    do {
      const params = { ...(stackId === undefined ? {} : { stackId }), ...(after == null ? {} : { after }) };
      const page = (await this.#connection.call('listStacks', params)) as { stacks: StackInfo[]; next: string | null };
      stacks.push(...page.stacks);
      after = page.next;
    } while (after !== null);
    return stacks.sort((a, b) => a.since - b.since);
  }

  async check(port: number): Promise<PortCheck> {
    return (await this.#connection.call('check', { port })) as PortCheck;
  }

  async types(): Promise<{ name: string; range: [number, number]; description: string }[]> {
    return (await this.#connection.call('types', {})) as {
      name: string;
      range: [number, number];
      description: string;
    }[];
  }

  async status(): Promise<DaemonStatus> {
    return (await this.#connection.call('status', {})) as DaemonStatus;
  }

  /** Asks the coordinator to exit; this client then closes instead of starting a new one. */
  async shutdown(): Promise<void> {
    await this.#connection.finalCall('shutdown', {});
  }

  on(event: 'disconnected' | 'reconnected', listener: () => void): () => void;
  on(event: 'reclaimFailed', listener: (error: Error) => void): () => void;
  on(event: string, listener: (...args: never[]) => void): () => void {
    return this.#connection.on(event, listener);
  }

  async close(): Promise<void> {
    this.#connection.close();
  }
}
