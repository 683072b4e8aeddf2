/**
 * A stack's state as it travels: in `ps --json`, in the coordinator's stack list, and over a
 * stack's control socket. Wire format: fields may be added, never renamed.
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
