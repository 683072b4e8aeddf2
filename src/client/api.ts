/**
 * The coordinator client's API: what the CLI commands and the supervisor call. The coordinator
 * issue implements it (`connectCoordinator` in client/connect.ts); the supervisor codes against
 * these types. Extend it compatibly; do not rename.
 */
import type { ServiceSnapshot, StackPhase } from '../protocol/stack.js';

/** One port of a reservation batch, in wire form (see ResolvedPortRequest in config/types.ts). */
export interface PortRequest {
  /** Service name (for `styxy run`: the command's name). */
  readonly service: string;
  /** Env-var name of the port (`PORT`, `DEBUG_PORT`). */
  readonly portName: string;
  /** Service type to choose from; null only with `fixed`. */
  readonly type: string | null;
  /** Tried after the sticky port, before the range. */
  readonly preferred: number | null;
  /** This port or an error naming its holder. */
  readonly fixed: number | null;
}

/** A port leased to the caller. */
export interface Lease {
  readonly port: number;
  readonly type: string | null;
  readonly service: string;
  readonly portName: string;
  /** Stack id, or null for a lease of `styxy run`. */
  readonly stackId: string | null;
  /** Epoch ms. */
  readonly since: number;
}

/** A row of `styxy ls` (DESIGN §6: fields may be added, never renamed). */
export interface LeaseInfo {
  readonly port: number;
  readonly type: string | null;
  /** Stack name (`default`), or `run` for `styxy run`. */
  readonly stack: string;
  /** Project name. */
  readonly project: string;
  readonly service: string;
  readonly portName: string;
  /** The owner's pid (the supervisor, or `styxy run`). */
  readonly pid: number;
  /** ISO 8601. */
  readonly since: string;
  /** Extras (not in DESIGN's list, free to use): stack id and project root. */
  readonly stackId: string | null;
  readonly root: string | null;
}

export interface StackRegistration {
  /** `stackId(root, name)` from protocol/stack-id.ts. */
  readonly id: string;
  readonly name: string;
  /** Project name (config `name`). */
  readonly project: string;
  /** Project root, real path. */
  readonly root: string;
  readonly configFile: string;
  /** The supervisor's pid (the stack's owner). */
  readonly pid: number;
  readonly detached: boolean;
  /** The stack's control socket, once it listens (null before). */
  readonly controlSocket: string | null;
  /**
   * The run token of the stack's STYXY_TAG (os/tag.ts): when the supervisor dies, the coordinator
   * kills the reported process groups and every process still carrying this tag.
   */
  readonly runToken: string;
}

/**
 * What the coordinator knows of a running stack (`ps --all`, `down --all`, `attach`): its
 * registration without the run token, which never leaves the coordinator.
 */
export interface StackInfo extends Omit<StackRegistration, 'runToken'> {
  /** Epoch ms of registration. */
  readonly since: number;
  readonly phase: StackPhase;
  /** As last pushed by the supervisor with `updateStack`. */
  readonly services: readonly ServiceSnapshot[];
  readonly leases: readonly Lease[];
}

export interface PortHolder {
  readonly kind: 'lease' | 'process';
  /** For a lease: its LeaseInfo fields. For a process: pid and command when the OS tells. */
  readonly [key: string]: unknown;
}

/** `styxy check --json` (DESIGN §6). */
export interface PortCheck {
  readonly port: number;
  readonly free: boolean;
  readonly holder: PortHolder | null;
}

/** `styxy daemon status --json` (DESIGN §6). */
export interface DaemonStatus {
  readonly running: boolean;
  readonly pid: number | null;
  readonly socket: string;
  readonly version: string | null;
  readonly uptimeMs: number | null;
  readonly leases: number;
  readonly stacks: number;
  /** Extras (not in DESIGN's list): the coordinator's protocol version, owners and connections. */
  readonly protocol?: number | null;
  readonly owners?: number;
  readonly connections?: number;
}

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
}

export interface CoordinatorClient {
  /** The coordinator's pid (changes if it restarts and the client reconnects). */
  readonly coordinatorPid: number;

  /**
   * Leases every port of the batch, or none (the error names the port or type that blocked and
   * its holder: STYXY_PORT_TAKEN, STYXY_RANGE_EXHAUSTED, STYXY_UNKNOWN_TYPE). Leases belong to
   * this connection's owner and to `stackId` when given (which must be registered by this owner).
   */
  reserve(batch: {
    readonly stackId?: string;
    readonly requests: readonly PortRequest[];
    /** Leases without a stack (`styxy run`): the STYXY_TAG token to sweep if this owner dies. */
    readonly runToken?: string;
  }): Promise<Lease[]>;
  /** Releases this owner's leases of these ports (all of them when omitted). */
  release(ports?: readonly number[]): Promise<void>;

  /** Registers a stack owned by this connection; STYXY_STACK_RUNNING if a live one has its id. */
  registerStack(registration: StackRegistration): Promise<void>;
  /** Updates fields of this owner's stack (its control socket, once listening). */
  updateStackRegistration(stackId: string, changes: { readonly controlSocket?: string | null }): Promise<void>;
  /** Pushes the stack's state for `ps` (cheap; call on every change, debounced). */
  updateStack(
    stackId: string,
    update: { readonly phase: StackPhase; readonly services: readonly ServiceSnapshot[] },
  ): Promise<void>;
  /** Ends a stack: forgets it and releases its leases. */
  unregisterStack(stackId: string): Promise<void>;

  /**
   * Reports a process this owner started (for a stack's service, or for `styxy run`), so that if
   * the owner dies, the coordinator kills its group. The coordinator reads the start time itself.
   */
  reportProcess(report: {
    readonly stackId: string | null;
    readonly service: string;
    readonly pid: number;
    /**
     * The process group to kill if the owner dies (the pid itself when spawned detached). 0 when
     * the process shares its owner's group: then only the pid, its descendants and its tag are
     * killed, never the group (it may be the user's shell job).
     */
    readonly pgid: number;
    /** For processes without a stack (`styxy run`): their STYXY_TAG token. */
    readonly runToken?: string;
  }): Promise<void>;
  /** The process exited (or was stopped): forget it. */
  reportExit(report: {
    readonly stackId: string | null;
    readonly service: string;
    readonly pid: number;
  }): Promise<void>;

  listLeases(): Promise<LeaseInfo[]>;
  /** Every running stack (by registration time), or only `stackId` (then [] or one). */
  listStacks(stackId?: string): Promise<StackInfo[]>;
  check(port: number): Promise<PortCheck>;
  types(): Promise<{ name: string; range: [number, number]; description: string }[]>;
  status(): Promise<DaemonStatus>;
  /** Asks the coordinator to exit (state persisted; live owners re-claim from the next one). */
  shutdown(): Promise<void>;

  /**
   * Lifecycle of the connection: the client reconnects by itself (starting a coordinator if
   * needed) and re-claims this owner's stack, leases and processes. 'reclaimFailed' carries the
   * ports another owner took in between. Returns an unsubscribe function.
   */
  on(event: 'disconnected' | 'reconnected', listener: () => void): () => void;
  on(event: 'reclaimFailed', listener: (error: Error) => void): () => void;

  /**
   * Closes the connection. What this owner still holds stays held while its process lives (as
   * after a dropped connection) and is freed when it exits: release first to give ports back now.
   */
  close(): Promise<void>;
}
