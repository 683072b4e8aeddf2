/**
 * A view of one running stack: what the UI (Ink or plain lines) renders and the actions it can
 * dispatch. The supervisor implements it for a foreground stack; `attach` implements it over a
 * stack's control socket. The UI never spawns, never touches sockets: it reads this and calls
 * `actions`.
 *
 * Wire format: snapshots and log lines also travel over the control socket and appear in
 * `ps --json`; fields may be added, never renamed.
 */

/** DESIGN §6's statuses (the `ps --json` contract). */
export type ServiceStatus =
  | 'pending'
  | 'starting'
  | 'ready'
  | 'running'
  | 'completed'
  | 'exited'
  | 'failed'
  | 'stopped';

export interface ServiceSnapshot {
  readonly name: string;
  readonly status: ServiceStatus;
  /** Env-var name → leased port, in config order. */
  readonly ports: Readonly<Record<string, number>>;
  /** The current process's pid (null when not running). */
  readonly pid: number | null;
  /** Restarts so far (by policy or by hand). */
  readonly restarts: number;
  /** Epoch ms when the current process started (null when not running). */
  readonly startedAt: number | null;
  /** Epoch ms when the readiness check passed. */
  readonly readyAt: number | null;
  /** Last exit, if the service has exited at least once. */
  readonly lastExit: { readonly code: number | null; readonly signal: string | null; readonly at: number } | null;
  /** A short human note on what is going on: "restarting in 2.0 s", "stopping", "ready check timed out". */
  readonly detail: string | null;
  readonly dependsOn: readonly string[];
}

export type StackPhase = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface StackSnapshot {
  readonly stack: {
    readonly id: string;
    readonly name: string;
    /** The project's name (config `name`). */
    readonly project: string;
    /** The project root (real path). */
    readonly root: string;
    /** The supervisor's pid. */
    readonly pid: number;
    /** Whether the supervisor runs in the background (`up -d`). */
    readonly detached: boolean;
  };
  readonly coordinator: { readonly pid: number | null; readonly leases: number };
  readonly phase: StackPhase;
  /** In start order. */
  readonly services: readonly ServiceSnapshot[];
}

export interface LogLine {
  /** Increases by one for each line of the stack (all services), so lines interleave in order. */
  readonly seq: number;
  readonly service: string;
  /** `styxy` lines are Styxy's own lifecycle notes about the service (started, ready, exited). */
  readonly stream: 'stdout' | 'stderr' | 'styxy';
  /** One line, without its newline; ANSI escapes from the service are kept. */
  readonly text: string;
  /** Epoch ms. */
  readonly time: number;
}

export type StackEvent =
  | { readonly type: 'snapshot'; readonly snapshot: StackSnapshot }
  | { readonly type: 'log'; readonly line: LogLine };

export interface StackActions {
  /** Restart one service, keeping its ports. */
  restart(service: string): Promise<void>;
  /** Stop one service (it stays stopped until `start`). */
  stop(service: string): Promise<void>;
  /** Start a stopped service again. */
  start(service: string): Promise<void>;
  /** Stop the whole stack; `force` skips the grace period (second Ctrl-C). */
  stopStack(options?: { readonly force?: boolean }): Promise<void>;
}

export interface StackView {
  getSnapshot(): StackSnapshot;
  /**
   * Recent lines from the bounded per-service rings: of one service, or of all services
   * interleaved by `seq`. At most `limit` lines (the newest).
   */
  getLogs(service?: string, limit?: number): readonly LogLine[];
  /** Called on every state change and log line. Returns an unsubscribe function. */
  subscribe(listener: (event: StackEvent) => void): () => void;
  readonly actions: StackActions;
}
