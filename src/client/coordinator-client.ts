/**
 * The coordinator client: the one way in for the CLI commands and the supervisor.
 * `connectCoordinator` connects to this user's coordinator (starting one when none answers,
 * unless `autoStart` is false) and returns typed calls (the method map, protocol/
 * coordinator-protocol.ts) over a connection that heals itself (healing-connection.ts), with the
 * client's own record of what it holds (holdings.ts), which the connection sends after every
 * reconnection so that nothing is lost.
 *
 * Calls that give something back or report state (release, unregisterStack, reportExit,
 * reportProcess, updateStack…) update the record first and do not fail while the connection is
 * down: the reclaim after reconnecting carries them. Calls that take something (reserve,
 * registerStack) and queries wait for the connection, up to the client's timeout.
 */
import type {
  CoordinatorParams,
  CoordinatorResult,
  HelloResult,
  Lease,
  LeaseInfo,
  PortRequest,
  StackInfo,
  StackRegistration,
} from '../protocol/coordinator-protocol.js';
import { isStyxyError } from '../protocol/errors.js';
import type { ServiceSnapshot, StackPhase } from '../protocol/stack.js';
import { HealingConnection } from './healing-connection.js';
import { Holdings } from './holdings.js';

export interface ConnectOptions {
  /** `$STYXY_HOME` (default: from the environment). */
  readonly home?: string;
  /** Start a coordinator when none answers. @default true */
  readonly autoStart?: boolean;
  /** Who is connecting (logged by the coordinator). */
  readonly kind: 'cli' | 'supervisor' | 'run';
  /** Give up connecting (and starting) after this many ms. @default 10000 */
  readonly timeoutMs?: number;
  /** The client's working folder: the project shown for leases without a stack. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Return once connected, the hello on its way: the first call goes right behind it instead of
   * waiting a round trip for its answer, and fails with its error (a version mismatch) if it is
   * refused. `coordinator` and `coordinatorPid` are known once a call has been answered.
   * @default false
   */
  readonly pipelined?: boolean;
}

export async function connectCoordinator(options: ConnectOptions): Promise<CoordinatorConnection> {
  const holdings = new Holdings();
  const connection = await HealingConnection.open({
    ...options,
    holdings: () => holdings.toReclaim(),
    onLost: (result) => holdings.forget(result),
  });
  if (!options.pipelined) {
    try {
      await connection.handshake();
    } catch (error) {
      connection.close();
      throw error;
    }
  }
  return new CoordinatorConnection(holdings, connection);
}

/**
 * Runs `use` with a connection to the coordinator if one runs (closed afterwards), else
 * `whenNone`: for commands that must not start a coordinator just to learn that nothing is held.
 * The connection is pipelined: `use` makes a call before it reads `coordinator`.
 */
export async function withRunningCoordinator<T>(
  use: (client: CoordinatorClient) => Promise<T>,
  whenNone: () => T | Promise<T>,
  options: Omit<ConnectOptions, 'autoStart' | 'kind'> = {},
): Promise<T> {
  let client: CoordinatorConnection;
  try {
    client = await connectCoordinator({ ...options, kind: 'cli', autoStart: false, pipelined: true });
  } catch (error) {
    if (isStyxyError(error) && error.details?.reason === 'not-running') return whenNone();
    throw error;
  }
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/**
 * The stacks running for this user, as the coordinator knows them (only `stackId` when given, so
 * one stack's commands never depend on the others): none when no coordinator runs.
 */
export function runningStacks(home?: string, stackId?: string): Promise<readonly StackInfo[]> {
  return withRunningCoordinator(
    (client) => client.listStacks(stackId),
    () => [],
    home === undefined ? {} : { home },
  );
}

export class CoordinatorConnection {
  readonly #holdings: Holdings;
  readonly #connection: HealingConnection;

  /** Made by `connectCoordinator`. */
  constructor(holdings: Holdings, connection: HealingConnection) {
    this.#holdings = holdings;
    this.#connection = connection;
  }

  /** The coordinator's pid (changes if it restarts and the client reconnects); pipelined: once a call was answered. */
  get coordinatorPid(): number {
    return this.#connection.hello.pid;
  }

  /** The coordinator's hello: its pid, version, start time, and whether this owner was resumed. */
  get coordinator(): Readonly<HelloResult> {
    return this.#connection.hello;
  }

  // Taking things: wait for the connection.

  /**
   * Leases every port of the batch, or none (the error names the port or type that blocked and
   * its holder: STYXY_PORT_TAKEN, STYXY_RANGE_EXHAUSTED, STYXY_UNKNOWN_TYPE). Leases belong to
   * this connection's owner and to `stackId` when given (which must be registered by this owner).
   * `runToken`, for leases without a stack (`styxy run`): the STYXY_TAG token to sweep if this
   * owner dies.
   */
  async reserve(batch: {
    readonly stackId?: string;
    readonly requests: readonly PortRequest[];
    readonly runToken?: string;
  }): Promise<readonly Lease[]> {
    const leases = await this.#connection.call('reserve', batch);
    this.#holdings.addLeases(leases);
    if (batch.runToken !== undefined) this.#holdings.addRunToken(batch.runToken);
    return leases;
  }

  /** Registers a stack owned by this connection; STYXY_STACK_RUNNING if a live one has its id. */
  async registerStack(registration: StackRegistration): Promise<void> {
    await this.#connection.call('registerStack', { registration });
    this.#holdings.registerStack(registration);
  }

  // Giving back and reporting: the record first, carried by the reclaim if cut off.

  /** Releases this owner's leases of these ports (all of them when omitted). */
  async release(ports?: readonly number[]): Promise<void> {
    this.#holdings.releasePorts(ports);
    await this.#connection.tell('release', ports === undefined ? {} : { ports });
  }

  /** Updates fields of this owner's stack (its control socket, once listening). */
  async updateStackRegistration(stackId: string, changes: { readonly controlSocket?: string | null }): Promise<void> {
    this.#holdings.updateRegistration(stackId, changes);
    await this.#connection.tell('updateStackRegistration', { stackId, changes });
  }

  /** Pushes the stack's state for `ps` (cheap; call on every change, debounced). */
  async updateStack(
    stackId: string,
    update: { readonly phase: StackPhase; readonly services: readonly ServiceSnapshot[] },
  ): Promise<void> {
    this.#holdings.updateStack(stackId, update.phase, update.services);
    await this.#connection.tell('updateStack', { stackId, ...update });
  }

  /** Ends a stack: forgets it and releases its leases. */
  async unregisterStack(stackId: string): Promise<void> {
    this.#holdings.dropStack(stackId);
    await this.#connection.tell('unregisterStack', { stackId });
  }

  /**
   * Reports a process this owner started (for a stack's service, or for `styxy run`), so that if
   * the owner dies, the coordinator kills its group. The coordinator reads the start time itself.
   * `pgid`: the process group to kill if the owner dies (the pid itself when spawned detached); 0
   * when the process shares its owner's group: then only the pid, its descendants and its tag are
   * killed, never the group (it may be the user's shell job). `runToken`, for processes without a
   * stack (`styxy run`): their STYXY_TAG token.
   */
  async reportProcess(report: CoordinatorParams<'reportProcess'>): Promise<void> {
    this.#holdings.reportProcess(report);
    await this.#connection.tell('reportProcess', report);
  }

  /** The process exited (or was stopped): forget it. */
  async reportExit(report: CoordinatorParams<'reportExit'>): Promise<void> {
    this.#holdings.reportExit(report);
    await this.#connection.tell('reportExit', report);
  }

  /**
   * What the coordinator does for a service if this owner dies: run its stop command, stop its
   * daemon (kept only when the OS confirms it as the stack's: the result's `problem` says why
   * not). Both null: nothing (the service stopped). Undefined while disconnected (the reclaim
   * sends it then).
   */
  async registerStop(
    registration: CoordinatorParams<'registerStop'>,
  ): Promise<CoordinatorResult<'registerStop'> | undefined> {
    this.#holdings.registerStop(registration);
    return this.#connection.tell('registerStop', registration);
  }

  // Queries.

  /** Every lease, by port, page by page (the coordinator answers each in under a frame, however many there are). */
  async listLeases(): Promise<readonly LeaseInfo[]> {
    const leases: LeaseInfo[] = [];
    let after: number | null = null;
    do {
      const page: CoordinatorResult<'listLeases'> = await this.#connection.call(
        'listLeases',
        after === null ? {} : { after },
      );
      leases.push(...page.leases);
      after = page.next;
    } while (after !== null);
    return leases;
  }

  /** Every running stack (by registration time), or only `stackId` (then none or one); page by page. */
  async listStacks(stackId?: string): Promise<readonly StackInfo[]> {
    const stacks: StackInfo[] = [];
    let after: string | null = null;
    do {
      const page: CoordinatorResult<'listStacks'> = await this.#connection.call('listStacks', {
        ...(stackId === undefined ? {} : { stackId }),
        ...(after === null ? {} : { after }),
      });
      stacks.push(...page.stacks);
      after = page.next;
    } while (after !== null);
    return stacks.sort((a, b) => a.since - b.since);
  }

  /**
   * The ports a stack of `root` and `name` would get now for these requests; nothing is leased.
   * `sharedKeys`: the shared services among the requests, by name, with their shared key.
   */
  planPorts(
    root: string,
    name: string,
    requests: readonly PortRequest[],
    sharedKeys?: Readonly<Record<string, string>>,
  ): Promise<CoordinatorResult<'planPorts'>> {
    return this.#connection.call('planPorts', {
      root,
      name,
      requests: [...requests],
      ...(sharedKeys === undefined ? {} : { sharedKeys: { ...sharedKeys } }),
    });
  }

  check(port: number): Promise<CoordinatorResult<'check'>> {
    return this.#connection.call('check', { port });
  }

  types(): Promise<CoordinatorResult<'types'>> {
    return this.#connection.call('types', {});
  }

  status(): Promise<CoordinatorResult<'status'>> {
    return this.#connection.call('status', {});
  }

  /** Start or join the instance of shared service `service` the stack registered in `uses`. */
  acquireShared(stackId: string, service: string): Promise<CoordinatorResult<'acquireShared'>> {
    return this.#connection.call('acquireShared', { stackId, service });
  }

  /**
   * Asks the coordinator to exit (state persisted; live owners re-claim from the next one); this
   * client then closes instead of starting a new one.
   */
  async shutdown(): Promise<void> {
    await this.#connection.finalCall('shutdown', {});
  }

  /**
   * Lifecycle of the connection: the client reconnects by itself (starting a coordinator if
   * needed) and re-claims this owner's stack, leases and processes. 'reclaimFailed' carries the
   * ports another owner took in between. Returns an unsubscribe function.
   */
  on(event: 'disconnected' | 'reconnected', listener: () => void): () => void;
  on(event: 'reclaimFailed', listener: (error: Error) => void): () => void;
  on(event: string, listener: (...args: never[]) => void): () => void {
    return this.#connection.on(event, listener);
  }

  /**
   * Closes the connection. What this owner still holds stays held while its process lives (as
   * after a dropped connection) and is freed when it exits: release first to give ports back now.
   */
  async close(): Promise<void> {
    this.#connection.close();
  }
}

/** What the supervisor and the commands use of a connection (tests give fakes of it). */
export type CoordinatorClient = { readonly [K in keyof CoordinatorConnection]: CoordinatorConnection[K] };
