/**
 * A connection to the coordinator that heals itself. When it drops (the coordinator was killed,
 * stopped or restarted), it reconnects with backoff (starting a coordinator if needed), resumes
 * its owner with its token, and sends everything the client holds (`reclaim`) before any other
 * request, so ports, stack and processes carry over. Requests made meanwhile wait for it, up to
 * the client's timeout.
 *
 * Requests are not held back for the hello: they go right behind it (rpc-client.ts), so a short
 * command's first request costs no round trip of its own. A connection that closes before its
 * hello is answered (a coordinator that died as it accepted) ran none of them: they are sent
 * again on a new one, dialled (and a coordinator started) as the first was.
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
import { closedBeforeHello, connectionClosed, notAnswering, openConnection } from './open-connection.js';

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
  /** The current connection's hello, on its way or answered. */
  #greeting!: Promise<HelloResult>;
  #hello: HelloResult | undefined;
  #phase: Phase = 'connected';
  /** A new connection whose reclaim is not answered yet: close() closes it too. */
  #claiming: RpcClient<CoordinatorProtocol> | null = null;
  /** The first connection's dialling again (its hello was never answered), shared by the calls that wait for it. */
  #redialing: Promise<void> | null = null;
  /** Until when dialling the first connection again is worth it (the caller's timeout from `open`). */
  readonly #deadline: number;

  private constructor(options: HealingOptions) {
    this.#options = options;
    this.#deadline = Date.now() + (options.timeoutMs ?? 10_000);
  }

  /** Connects (starting a coordinator if needed) and sends the hello; does not wait for its answer. */
  static async open(options: HealingOptions): Promise<HealingConnection> {
    const connection = new HealingConnection(options);
    await connection.#dial();
    return connection;
  }

  async #dial(): Promise<void> {
    const { rpc, hello } = await openConnection({
      ...openOptions(this.#options, undefined),
      deadline: this.#deadline,
      onClose: () => this.#lost(rpc),
    });
    this.#rpc = rpc;
    this.#greeting = hello.then((result) => {
      if (this.#rpc === rpc) this.#hello = result;
      return result;
    });
    this.#greeting.catch(() => {});
    if (rpc.closed) this.#lost(rpc);
  }

  /** The first connection closed before its hello was answered: dial again, once for every caller. */
  #redial(rpc: RpcClient<CoordinatorProtocol>): Promise<void> {
    if (rpc !== this.#rpc) return Promise.resolve();
    if (this.#phase === 'closed') return Promise.reject(closedClient());
    if (Date.now() > this.#deadline) {
      return Promise.reject(notAnswering(openOptions(this.#options, undefined).paths, null));
    }
    this.#redialing ??= this.#dial().finally(() => {
      this.#redialing = null;
    });
    return this.#redialing;
  }

  /**
   * The coordinator's answer to the hello; rejects with its refusal (a version mismatch) or when
   * no coordinator answers in time. Known once any call has been answered.
   */
  async handshake(): Promise<Readonly<HelloResult>> {
    for (;;) {
      const rpc = this.#rpc;
      try {
        return await this.#greeting;
      } catch (error) {
        if (!closedBeforeHello(rpc, error)) throw error;
        await this.#redial(rpc);
      }
    }
  }

  /** The hello's answer; only once one came (see `handshake`). */
  get hello(): Readonly<HelloResult> {
    if (this.#hello === undefined) {
      throw new StyxyError('STYXY_INTERNAL', 'the coordinator has not answered the hello yet (await handshake())');
    }
    return this.#hello;
  }

  on(event: string, listener: Listener): () => void {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event)!.add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  /** Sends a request, waiting for a reconnection if needed. */
  async call<M extends CoordinatorMethod>(method: M, params: CoordinatorParams<M>): Promise<CoordinatorResult<M>> {
    for (;;) {
      const rpc = await this.#ready();
      try {
        return await rpc.call(method, params);
      } catch (error) {
        // Never run (its connection closed before the hello was answered): send it again.
        if (!closedBeforeHello(rpc, error)) throw error;
        await this.#redial(rpc);
      }
    }
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
      if (this.#phase === 'closed') throw closedClient();
      // Closed and never greeted: no reconnection runs for it; a call on it fails at once, with
      // the hello's refusal, or as never run (then `call` dials again).
      if (this.#phase === 'connected' && (!this.#rpc.closed || !this.#rpc.greeted)) return this.#rpc;
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
    // Never greeted: nothing to reclaim; whoever calls next dials again (#redial).
    if (rpc !== this.#rpc || this.#phase !== 'connected' || !rpc.greeted) return;
    this.#phase = 'reconnecting';
    this.#emit('disconnected');
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    let delay = 25;
    let reportedMismatch = false;
    while (this.#phase === 'reconnecting') {
      try {
        const { rpc, hello: greeting } = await openConnection({
          ...openOptions(this.#options, this.#hello?.token),
          onClose: () => this.#lost(rpc),
        });
        if (this.#phase !== 'reconnecting') {
          rpc.close();
          return;
        }
        this.#claiming = rpc;
        // The reclaim goes right behind the hello; a refused hello fails it with the same error.
        const [hello, result] = await Promise.all([greeting, rpc.call('reclaim', this.#options.holdings())]).finally(
          () => {
            this.#claiming = null;
          },
        );
        // Closed while the reclaim was answered: a closed connection stays closed.
        if (this.#phase !== 'reconnecting') {
          rpc.close();
          return;
        }
        this.#rpc = rpc;
        this.#greeting = greeting;
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

function closedClient(): StyxyError {
  return new StyxyError('STYXY_COORDINATOR_UNAVAILABLE', 'the client is closed');
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
