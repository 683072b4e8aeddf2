/**
 * A connection to the coordinator that heals itself. When it drops (the coordinator was killed,
 * stopped or restarted), it reconnects with backoff (starting a coordinator if needed), resumes
 * its owner with its token, and sends everything the client holds (`reclaim`) before any other
 * request, so ports, stack and processes carry over. Requests made meanwhile wait for it, up to
 * the client's timeout.
 */
import type {
  CoordinatorMethod,
  CoordinatorParams,
  CoordinatorProtocol,
  CoordinatorResult,
  HelloResult,
  ReclaimResult,
} from '../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../protocol/errors.js';
import { homePaths, styxyHome } from '../protocol/home.js';
import { STYXY_VERSION } from '../protocol/version.js';
import type { RpcClient } from '../transport/rpc-client.js';
import type { ConnectOptions } from './coordinator-client.js';
import { connectionClosed, openConnection } from './open-connection.js';

type Listener = (...args: never[]) => void;
type Phase = 'connected' | 'reconnecting' | 'closed';

const MAX_BACKOFF_MS = 1000;

export interface HealingOptions extends ConnectOptions {
  /** Everything the client holds, sent after each reconnection. */
  readonly holdings: () => CoordinatorParams<'reclaim'>;
  /** What the reclaim found taken by others (already reported as 'reclaimFailed'). */
  readonly onLost: (result: ReclaimResult) => void;
}

export class HealingConnection {
  readonly #options: HealingOptions;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #waiters = new Set<() => void>();
  #rpc!: RpcClient<CoordinatorProtocol>;
  #hello!: HelloResult;
  #phase: Phase = 'connected';
  /** A new connection whose reclaim is not answered yet: close() closes it too. */
  #claiming: RpcClient<CoordinatorProtocol> | null = null;

  private constructor(options: HealingOptions) {
    this.#options = options;
  }

  static async open(options: HealingOptions): Promise<HealingConnection> {
    const connection = new HealingConnection(options);
    const { rpc, hello } = await openConnection({
      ...openOptions(options, undefined),
      onClose: () => connection.#lost(rpc),
    });
    connection.#rpc = rpc;
    connection.#hello = hello;
    if (rpc.closed) connection.#lost(rpc);
    return connection;
  }

  get hello(): Readonly<HelloResult> {
    return this.#hello;
  }

  on(event: string, listener: Listener): () => void {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)!.add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  /** Sends a request, waiting for a reconnection if needed. */
  async call<M extends CoordinatorMethod>(method: M, params: CoordinatorParams<M>): Promise<CoordinatorResult<M>> {
    return (await this.#ready()).call(method, params);
  }

  /**
   * Sends when connected; a lost connection is no error (the reclaim carries the change). The
   * reply's result, or undefined when it was not sent.
   */
  async tell<M extends CoordinatorMethod>(
    method: M,
    params: CoordinatorParams<M>,
  ): Promise<CoordinatorResult<M> | undefined> {
    if (this.#phase !== 'connected' || this.#rpc.closed) return undefined;
    try {
      return await this.#rpc.call(method, params);
    } catch (error) {
      if (isStyxyError(error) && error.code === 'STYXY_COORDINATOR_UNAVAILABLE') return undefined;
      throw error;
    }
  }

  /** Sends a last request and closes without reconnecting (the coordinator is going away). */
  async finalCall<M extends CoordinatorMethod>(method: M, params: CoordinatorParams<M>): Promise<CoordinatorResult<M>> {
    const rpc = await this.#ready();
    this.#phase = 'closed';
    try {
      return await rpc.call(method, params);
    } finally {
      rpc.close();
      this.#wake();
    }
  }

  close(): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#rpc.close();
    this.#claiming?.close();
    this.#wake();
  }

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
  async #ready(): Promise<RpcClient<CoordinatorProtocol>> {
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

  #lost(rpc: RpcClient<CoordinatorProtocol>): void {
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
        const { rpc, hello } = await openConnection({
          ...openOptions(this.#options, this.#hello.token),
          onClose: () => this.#lost(rpc),
        });
        if (this.#phase !== 'reconnecting') {
          rpc.close();
          return;
        }
        this.#claiming = rpc;
        const result = await rpc.call('reclaim', this.#options.holdings()).finally(() => {
          this.#claiming = null;
        });
        // Closed while the reclaim was answered: a closed connection stays closed.
        if (this.#phase !== 'reconnecting') {
          rpc.close();
          return;
        }
        this.#rpc = rpc;
        this.#hello = hello;
        this.#phase = 'connected';
        this.#wake();
        if (result.lostPorts.length > 0 || result.lostStacks.length > 0) {
          this.#options.onLost(result);
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
        if (this.#phase !== 'reconnecting') return;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      }
    }
  }
}

function openOptions(options: ConnectOptions, resume: string | undefined) {
  return {
    paths: homePaths(options.home ?? styxyHome()),
    hello: {
      pid: process.pid,
      kind: options.kind,
      cwd: options.cwd ?? process.cwd(),
      version: STYXY_VERSION,
      ...(resume === undefined ? {} : { resume }),
    },
    autoStart: options.autoStart ?? true,
    deadline: Date.now() + (options.timeoutMs ?? 10_000),
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
