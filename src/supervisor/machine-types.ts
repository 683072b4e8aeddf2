/**
 * The supervisor's state machine, as data: its state, the events it reacts to, and the effects it
 * asks for. `step` (machine.ts) is a pure function of these; the shell (supervisor.ts and
 * effect-runner.ts) performs the effects and feeds their outcomes back as events.
 */
import type { DependencyCondition, ResolvedRestart } from '../config/types.js';
import type { InputKind, ServiceStatus, StackPhase } from '../protocol/stack.js';

/** What the machine knows of a service that does not change while the stack runs. */
export interface MachineService {
  readonly name: string;
  readonly dependsOn: Readonly<Record<string, DependencyCondition>>;
  /** Dependencies whose restart restarts this service (config `dependsOn: { db: { restart: true } }`). */
  readonly restartsWith: readonly string[];
  /** True when a readiness check decides `ready`; false when the service is up once it runs (`running`). */
  readonly checked: boolean;
  readonly restart: ResolvedRestart;
  /** Misses in a row of its health check (config `health`) that make it unhealthy; null: no check. */
  readonly healthFailures: number | null;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeoutMs: number;
  /** What it reads: shown in snapshots, so a UI knows whether it can be typed into. */
  readonly input: InputKind;
  /** Leased ports by env-var name, in config order (shown in lifecycle lines: "ready on :8001"). */
  readonly ports: Readonly<Record<string, number>>;
}

export type StopThen = 'stop' | 'start' | 'backoff' | 'pending';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
}

/**
 * Where a service is in its life. `starting` and `up` have a process (its pid arrives with the
 * `spawned` event); `backoff` waits for a restart timer; `stopping` waits for its stop effect.
 */
export type Life =
  | { readonly kind: 'pending' }
  | { readonly kind: 'starting'; readonly run: number; readonly startedAt: number }
  | { readonly kind: 'up'; readonly run: number; readonly startedAt: number; readonly readyAt: number }
  | { readonly kind: 'backoff'; readonly run: number; readonly delayMs: number; readonly detail: string }
  | { readonly kind: 'completed' }
  | { readonly kind: 'exited' }
  | { readonly kind: 'failed'; readonly reason: string }
  | {
      readonly kind: 'stopping';
      readonly run: number;
      /** The status shown while stopping (the one it had). */
      readonly shown: ServiceStatus;
      /**
       * What comes after the stop: stay stopped, start again (a restart by hand), restart by
       * its policy, with backoff, as after a failure (`backoff`: it was unhealthy), or wait as
       * `pending` for its dependencies again (`pending`: a dependency restarts).
       */
      readonly after: StopThen;
      readonly forced: boolean;
    }
  | { readonly kind: 'stopped' }
  /** Outside the active profiles: never started, no ports leased, until started by hand (`activate`). */
  | { readonly kind: 'off' };

/** The current run's health checks (config `health`). */
export interface HealthState {
  readonly misses: number;
  readonly unhealthy: boolean;
  readonly lastFailure: string | null;
  readonly checkedAt: number | null;
}

export interface ServiceState {
  readonly spec: MachineService;
  readonly life: Life;
  /** Processes spawned so far; the latest one's run number. */
  readonly runs: number;
  /** The current process (null when none runs or it has not been spawned yet). */
  readonly pid: number | null;
  readonly startedAt: number | null;
  readonly readyAt: number | null;
  /** Restarts so far, by policy or by hand. */
  readonly restarts: number;
  /** Failed runs in a row (reset by a run that stayed up for STABLE_RUN_MS, or by hand). */
  readonly streak: number;
  readonly lastExit: ExitInfo | null;
  /** Spawned at least once (satisfies `started` dependencies). */
  readonly everStarted: boolean;
  /** Ready (or running) at least once. */
  readonly everUp: boolean;
  /**
   * Ports of it another owner holds now (`port 3001 (PORT)`), lost while the coordinator
   * restarted: shown in its detail until the stack is started again.
   */
  readonly lost: string | null;
  /** Its health checks in the current run (null without a `health` check). */
  readonly health: HealthState | null;
}

/** How the stack ended. */
export type MachineOutcome =
  | { readonly kind: 'clean' }
  | { readonly kind: 'interrupted'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'failed'; readonly service: string; readonly reason: string };

/** Why the stack stops: asked to (`q`, stopStack), a signal, or every service has ended. */
export type StopReason =
  | { readonly kind: 'request' }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'ended' };

export interface MachineState {
  /** False until the `start` event (leases are held). */
  readonly begun: boolean;
  readonly phase: StackPhase;
  /** Service names in start order (dependencies first). */
  readonly order: readonly string[];
  readonly services: Readonly<Record<string, ServiceState>>;
  /** Set once the stack stops (by request, signal, end or failure). */
  readonly stopping: { readonly force: boolean; readonly reason: StopReason } | null;
  /** The first service failure, which fails the stack. */
  readonly failure: { readonly service: string; readonly reason: string } | null;
  /** The `finish` effect was emitted: nothing runs any more. */
  readonly finished: boolean;
}

export type MachineEvent =
  /** Leases are held: start what has no unmet dependency. */
  | { readonly type: 'start'; readonly at: number }
  /**
   * `off` services started by hand (with the `off` services they need), their ports now leased:
   * they become pending and start as their dependencies allow.
   */
  | {
      readonly type: 'activate';
      readonly services: Readonly<Record<string, Readonly<Record<string, number>>>>;
      readonly at: number;
    }
  | {
      readonly type: 'spawned';
      readonly service: string;
      readonly run: number;
      readonly pid: number;
      readonly at: number;
    }
  /** A daemon's process was found through its pid file: it is the service's process now. */
  | {
      readonly type: 'daemonized';
      readonly service: string;
      readonly run: number;
      readonly pid: number;
      readonly at: number;
    }
  | {
      readonly type: 'spawnFailed';
      readonly service: string;
      readonly run: number;
      readonly message: string;
      readonly at: number;
    }
  | {
      readonly type: 'exited';
      readonly service: string;
      readonly run: number;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: string | null;
      /** What holds a port it wanted, when it exited before it was ready (port-conflict.ts). */
      readonly detail?: string;
      readonly at: number;
    }
  | { readonly type: 'probeReady'; readonly service: string; readonly run: number; readonly at: number }
  | {
      readonly type: 'probeFailed';
      readonly service: string;
      readonly run: number;
      readonly reason: string;
      readonly at: number;
    }
  /** A health check of an up service passed (`ok`) or missed (`reason`). */
  | {
      readonly type: 'healthChecked';
      readonly service: string;
      readonly run: number;
      readonly ok: boolean;
      readonly reason: string | null;
      readonly at: number;
    }
  /** Watched files of the service changed (debounced): `change` says which (`src/app.ts changed`). */
  | { readonly type: 'filesChanged'; readonly service: string; readonly change: string; readonly at: number }
  /** A restart timer fired. */
  | { readonly type: 'restartDue'; readonly service: string; readonly run: number; readonly at: number }
  /** A stop effect finished: none of the service's processes is left. */
  | { readonly type: 'stopDone'; readonly service: string; readonly killed: boolean; readonly at: number }
  | { readonly type: 'stopStack'; readonly force: boolean; readonly reason: StopReason; readonly at: number }
  | { readonly type: 'stopService'; readonly service: string; readonly at: number }
  | { readonly type: 'startService'; readonly service: string; readonly at: number }
  | { readonly type: 'restartService'; readonly service: string; readonly at: number }
  /** After a coordinator restart, another owner held these ports of the service (name → port). */
  | {
      readonly type: 'portsLost';
      readonly service: string;
      readonly ports: Readonly<Record<string, number>>;
      readonly at: number;
    };

export type Effect =
  | { readonly type: 'spawn'; readonly service: string; readonly run: number }
  /** Stop every process of the service: `signal`, then SIGKILL after `timeoutMs`, then a sweep. */
  | { readonly type: 'stop'; readonly service: string; readonly signal: NodeJS.Signals; readonly timeoutMs: number }
  | { readonly type: 'probe'; readonly service: string; readonly run: number }
  | { readonly type: 'cancelProbe'; readonly service: string }
  /** Check the service's health every interval, reporting `healthChecked`, until cancelled. */
  | { readonly type: 'watchHealth'; readonly service: string; readonly run: number }
  | { readonly type: 'cancelHealth'; readonly service: string }
  | { readonly type: 'schedule'; readonly service: string; readonly run: number; readonly delayMs: number }
  | { readonly type: 'cancelTimer'; readonly service: string }
  | { readonly type: 'reportProcess'; readonly service: string; readonly pid: number }
  | { readonly type: 'reportExit'; readonly service: string; readonly pid: number }
  /** A lifecycle line about the service (`ready on :8001 in 312 ms`). */
  | { readonly type: 'log'; readonly service: string; readonly text: string }
  /** Nothing runs any more: sweep, release every port, resolve the outcome. */
  | { readonly type: 'finish'; readonly outcome: MachineOutcome };

export interface StepResult {
  readonly state: MachineState;
  readonly effects: readonly Effect[];
}
