/**
 * The coordinator client: typed calls over one connection that heals itself. When the
 * connection drops (the coordinator was killed, stopped, or restarted), the client reconnects
 * (starting a coordinator if needed), resumes its owner with its token, and sends everything it
 * holds (`reclaim`), so its ports, stack and processes carry over.
 *
 * Calls that give something back or report state (release, unregisterStack, reportExit,
 * reportProcess, updateStack…) update the local record first and do not fail when the connection
 * is down: the reclaim after reconnecting carries them. Calls that take something (reserve,
 * registerStack) and queries wait for the connection, up to the client's timeout.
 */
import type { HelloResult, ReclaimResult } from '../protocol/coordinator-api.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import { homePaths, styxyHome } from '../protocol/home.js';
import { STYXY_VERSION } from '../protocol/version.js';
import type { RpcClient } from '../transport/rpc-client.js';
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
import { Holdings, type ProcessReport } from './holdings.js';
import { connectionClosed, openConnection } from './open-connection.js';

type Listener = (...args: never[]) => void;
type Phase = 'connected' | 'reconnecting' | 'closed';

const MAX_BACKOFF_MS = 1000;

export class CoordinatorConnection implements CoordinatorClient {
  readonly #options: ConnectOptions;
  readonly #holdings = new Holdings();
  readonly #listeners = new Map<string, Set<Listener>>();
  #rpc: RpcClient;
  #hello: HelloResult;
  #phase: Phase = 'connected';
  #waiters = new Set<() => void>();

  private constructor(options: ConnectOptions, rpc: RpcClient, hello: HelloResult) {
    this.#options = options;
    this.#rpc = rpc;
    this.#hello = hello;
  }

  static async open(options: ConnectOptions): Promise<CoordinatorConnection> {
    let connection: CoordinatorConnection | undefined;
    const { rpc, hello } = await openConnection({
      ...connectionOptions(options, undefined, Date.now() + (options.timeoutMs ?? 10_000)),
      onClose: () => {
        if (connection) connection.#lost(rpc);
      },
    });
    connection = new CoordinatorConnection(options, rpc, hello);
    if (rpc.closed) connection.#lost(rpc);
    return connection;
  }

  get coordinatorPid(): number {
    return this.#hello.pid;
  }

  /** The coordinator's hello: its pid, version, start time. */
  get coordinator(): Readonly<HelloResult> {
    return this.#hello;
  }

  // --- taking things: wait for the connection ---------------------------------------------

  async reserve(batch: {
    readonly stackId?: string;
    readonly requests: readonly PortRequest[];
    readonly runToken?: string;
  }): Promise<Lease[]> {
    const leases = (await this.#call('reserve', batch)) as Lease[];
    this.#holdings.addLeases(leases);
    if (batch.runToken !== undefined) this.#holdings.addRunToken(batch.runToken);
    return leases;
  }

  async registerStack(registration: StackRegistration): Promise<void> {
    await this.#call('registerStack', { registration });
    this.#holdings.registerStack(registration);
  }

  // --- giving back and reporting: local record first, carried by the reclaim if cut off ----

  async release(ports?: readonly number[]): Promise<void> {
    this.#holdings.releasePorts(ports);
    await this.#tell('release', ports === undefined ? {} : { ports });
  }

  async updateStackRegistration(stackId: string, changes: { readonly controlSocket?: string | null }): Promise<void> {
    this.#holdings.updateRegistration(stackId, changes);
    await this.#tell('updateStackRegistration', { stackId, changes });
  }

  async updateStack(
    stackId: string,
    update: { readonly phase: StackInfo['phase']; readonly services: StackInfo['services'] },
  ): Promise<void> {
    this.#holdings.updateStack(stackId, update.phase, update.services);
    await this.#tell('updateStack', { stackId, ...update });
  }

  async unregisterStack(stackId: string): Promise<void> {
    this.#holdings.dropStack(stackId);
    await this.#tell('unregisterStack', { stackId });
  }

  async reportProcess(report: ProcessReport): Promise<void> {
    this.#holdings.reportProcess(report);
    await this.#tell('reportProcess', report);
  }

  async reportExit(report: {
    readonly stackId: string | null;
    readonly service: string;
    readonly pid: number;
  }): Promise<void> {
    this.#holdings.reportExit(report);
    await this.#tell('reportExit', report);
  }

  // --- queries -----------------------------------------------------------------------------

  async listLeases(): Promise<LeaseInfo[]> {
    return (await this.#call('listLeases', {})) as LeaseInfo[];
  }

  async listStacks(): Promise<StackInfo[]> {
    return (await this.#call('listStacks', {})) as StackInfo[];
  }

  async check(port: number): Promise<PortCheck> {
    return (await this.#call('check', { port })) as PortCheck;
  }

  async types(): Promise<{ name: string; range: [number, number]; description: string }[]> {
    return (await this.#call('types', {})) as { name: string; range: [number, number]; description: string }[];
  }

  async status(): Promise<DaemonStatus> {
    return (await this.#call('status', {})) as DaemonStatus;
  }

  async shutdown(): Promise<void> {
    const rpc = await this.#ready();
    this.#phase = 'closed'; // the coordinator is going away on purpose: do not restart it
    try {
      await rpc.request('shutdown', {});
    } finally {
      rpc.close();
      this.#wake();
    }
  }

  on(event: 'disconnected' | 'reconnected', listener: () => void): () => void;
  on(event: 'reclaimFailed', listener: (error: Error) => void): () => void;
  on(event: string, listener: Listener): () => void {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)!.add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#rpc.close();
    this.#wake();
  }

  // --- the connection ----------------------------------------------------------------------

  #emit(event: string, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch {
        // A listener's bug must not stop the reconnection.
      }
    }
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** The live connection, waiting for a reconnection up to the timeout. */
  async #ready(): Promise<RpcClient> {
    const deadline = Date.now() + (this.#options.timeoutMs ?? 10_000);
    for (;;) {
      if (this.#phase === 'closed') throw new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', 'the client is closed');
      if (this.#phase === 'connected' && !this.#rpc.closed) return this.#rpc;
      const left = deadline - Date.now();
      if (left <= 0) throw connectionClosed();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async #call(method: string, params: unknown): Promise<unknown> {
    return (await this.#ready()).request(method, params);
  }

  /** Sends when connected; a lost connection is no error (the reclaim carries the change). */
  async #tell(method: string, params: unknown): Promise<void> {
    if (this.#phase !== 'connected' || this.#rpc.closed) return;
    try {
      await this.#rpc.request(method, params);
    } catch (error) {
      if (isStyxyError(error) && error.code === 'STYXY_COORDINATOR_UNAVAILABLE') return;
      throw error;
    }
  }

  #lost(rpc: RpcClient): void {
    if (rpc !== this.#rpc || this.#phase !== 'connected') return;
    this.#phase = 'reconnecting';
    this.#emit('disconnected');
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    let delay = 25;
    let reportedMismatch = false;
    while (this.#phase === 'reconnecting') {
      try {
        const deadline = Date.now() + (this.#options.timeoutMs ?? 10_000);
        const { rpc, hello } = await openConnection({
          ...connectionOptions(this.#options, this.#hello.token, deadline),
          onClose: () => this.#lost(rpc),
        });
        if (this.#phase !== 'reconnecting') {
          rpc.close();
          return;
        }
        const result = (await rpc.request('reclaim', this.#holdings.toReclaim())) as ReclaimResult;
        this.#rpc = rpc;
        this.#hello = hello;
        this.#phase = 'connected';
        this.#wake();
        if (result.lostPorts.length > 0 || result.lostStacks.length > 0) {
          this.#holdings.forget(result);
          this.#emit('reclaimFailed', reclaimError(result));
        }
        this.#emit('reconnected');
        if (rpc.closed) this.#lost(rpc);
        return;
      } catch (error) {
        if (isStyxyError(error) && error.code === 'STYXY_PROTOCOL_MISMATCH' && !reportedMismatch) {
          reportedMismatch = true;
          this.#emit('reclaimFailed', error);
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      }
    }
  }
}

function connectionOptions(options: ConnectOptions, resume: string | undefined, deadline: number) {
  const home = options.home ?? styxyHome();
  return {
    paths: homePaths(home),
    hello: {
      pid: process.pid,
      kind: options.kind,
      cwd: options.cwd ?? process.cwd(),
      version: STYXY_VERSION,
      ...(resume === undefined ? {} : { resume }),
    },
    autoStart: options.autoStart ?? true,
    deadline,
  };
}

function reclaimError(result: ReclaimResult): StyxyError {
  const parts: string[] = [];
  if (result.lostPorts.length > 0) parts.push(`ports ${result.lostPorts.map((lost) => lost.port).join(', ')}`);
  if (result.lostStacks.length > 0) {
    parts.push(`stacks ${result.lostStacks.map((lost) => `${lost.stackId} (now pid ${lost.pid})`).join(', ')}`);
  }
  return new StyxyError(
    'STYXY_RECLAIM_FAILED',
    `after reconnecting to the coordinator, ${parts.join(' and ')} had been taken by others`,
    {
      hint: 'run `styxy ls` to see who holds them; restart the affected services to get new ports',
      details: { lostPorts: result.lostPorts, lostStacks: result.lostStacks },
    },
  );
}
