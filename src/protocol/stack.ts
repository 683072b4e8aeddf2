/**
 * A stack's state as it travels: in `ps --json`, in the coordinator's stack list, and over a
 * stack's control socket. Wire format: fields may be added, never renamed. The shapes are what a
 * client checks a reply against (shape.ts); the types are derived from them.
 */
import { array, boolean, type Infer, literal, nullable, number, object, optional, record, string } from './shape.js';

/** The statuses of the `ps --json` contract (docs/architecture.md, "Statuses"). */
export const SERVICE_STATUSES = [
  'pending',
  'starting',
  'ready',
  'running',
  'completed',
  'exited',
  'failed',
  'stopped',
  'unhealthy',
  'off',
] as const;
export const serviceStatus = literal(...SERVICE_STATUSES);
export type ServiceStatus = Infer<typeof serviceStatus>;

export const stackPhase = literal('starting', 'running', 'stopping', 'stopped', 'failed');
export type StackPhase = Infer<typeof stackPhase>;

/**
 * A service's checks after ready (config `health`): `checking` until the current run's first
 * verdict, `unhealthy` once `failures` checks in a row missed.
 */
export const HEALTH_STATUSES = ['checking', 'healthy', 'unhealthy'] as const;
export const serviceHealth = object({
  status: literal(...HEALTH_STATUSES),
  /** Misses in a row so far. */
  misses: number,
  /** Misses in a row that make it unhealthy. */
  failures: number,
  /** What the last missed check answered (null once one passes). */
  lastFailure: nullable(string),
  /** Epoch ms of the last check (null before the first of this run). */
  checkedAt: nullable(number),
});
export type ServiceHealth = Infer<typeof serviceHealth>;

/**
 * What a service reads, so a UI knows whether and how it can be typed into: an open pipe, a
 * pseudo-terminal (`tty: true`), or nothing (`stdin: 'null'`).
 */
export const INPUT_KINDS = ['pipe', 'tty', 'none'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const serviceSnapshot = object({
  name: string,
  status: serviceStatus,
  /** Env-var name → leased port, in config order. */
  ports: record(number),
  /** The current process's pid (null when not running). */
  pid: nullable(number),
  /** Restarts so far (by policy or by hand). */
  restarts: number,
  /** Epoch ms when the current process started (null when not running). */
  startedAt: nullable(number),
  /** Epoch ms when the readiness check passed. */
  readyAt: nullable(number),
  /** Last exit, if the service has exited at least once. */
  lastExit: nullable(object({ code: nullable(number), signal: nullable(string), at: number })),
  /** A short human note on what is going on: "restarting in 2.0 s", "stopping", "ready check timed out". */
  detail: nullable(string),
  dependsOn: array(string),
  /** Null without a `health` check; optional because an older supervisor does not send it. */
  health: optional(nullable(serviceHealth)),
  /** Set by the CLI for a shared service (its instance's snapshot): it runs in a stack of its own. */
  shared: optional(boolean),
  /** The stacks using a shared service (`ps --json` `users`). */
  users: optional(array(object({ id: string, name: string, project: string, root: string }))),
  /** What it reads (`i` in the UI types into `pipe` and `tty` ones); optional: older supervisors omit it. */
  input: optional(literal(...INPUT_KINDS)),
});
export type ServiceSnapshot = Infer<typeof serviceSnapshot>;

/** Who runs a stack: what its control socket's hello says (the snapshot adds `detached`). */
export const stackIdentity = {
  id: string,
  name: string,
  /** The project's name (config `name`). */
  project: string,
  /** The project root (real path). */
  root: string,
  /** The supervisor's pid. */
  pid: number,
} as const;

export const stackSnapshot = object({
  stack: object({
    ...stackIdentity,
    /** Whether the supervisor runs in the background (`up -d`). */
    detached: boolean,
  }),
  coordinator: object({ pid: nullable(number), leases: number }),
  phase: stackPhase,
  /** In start order. */
  services: array(serviceSnapshot),
});
export type StackSnapshot = Infer<typeof stackSnapshot>;

export const logLine = object({
  /** Increases by one for each line of the stack (all services), so lines interleave in order. */
  seq: number,
  service: string,
  /** `styxy` lines are Styxy's own lifecycle notes about the service (started, ready, exited). */
  stream: literal('stdout', 'stderr', 'styxy'),
  /** One line, without its newline; ANSI escapes from the service are kept. */
  text: string,
  /** Epoch ms. */
  time: number,
});
export type LogLine = Infer<typeof logLine>;

/** What a StackView tells its listeners (in-process; not a wire type). */
export type StackEvent =
  | { readonly type: 'snapshot'; readonly snapshot: StackSnapshot }
  | { readonly type: 'log'; readonly line: LogLine };
