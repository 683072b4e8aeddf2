/**
 * The context the coordinator's request handlers share (each takes it first, as `core`): its
 * state, its effects (injected, so tests can drive the whole coordinator in-process with fakes),
 * and the serializer that makes reservations one at a time.
 */

import type { ProcessHolder } from '../os/port-holder.js';
import type { SweptListener } from '../os/port-sweep.js';
import type { StopCommand } from '../os/stop-command.js';
import type { ProcessRecord } from '../os/stop-target.js';
import type { PidProof } from '../protocol/coordinator-protocol.js';
import type { Probe } from './choose-ports.js';
import type { JournalEntry } from './journal.js';
import type { Log } from './log.js';
import type { CoordinatorState, Owner } from './state.js';
import type { TypesSource } from './types-source.js';

/**
 * What to kill for a dead owner: only what was verified to be its own (docs/security.md, "Kill
 * only what is provably the stack's"). Each field is one kind of proof; a new kind (a stack's
 * cgroup, a stop command to run) is a new field here, filled in by killTargetsOf (owners.ts).
 */
export interface KillTarget {
  /** Processes (and the groups they lead) the OS confirmed as the owner's descendants when reported. */
  readonly groups: readonly ProcessRecord[];
  /** The owner's own run token: every process still carrying it in STYXY_TAG. */
  readonly token: string | null;
  /** Stop commands registered for its services (stops.ts): run before anything is signalled. */
  readonly stops: readonly StopCommand[];
}

/** A daemon a client registers (stops.ts), with what the coordinator knows to check it by. */
export interface DaemonClaim {
  readonly pid: number;
  readonly pidFile: string;
  /** The stack's project folder: the pid file must be inside it. */
  readonly root: string;
  /** The daemon must have started no earlier than its owner. */
  readonly ownerStartTime: string | null;
  /** It must listen on one of these (the stack's leases). */
  readonly leasedPorts: readonly number[];
  /** Never these (the owner, the coordinator). */
  readonly excluded: readonly number[];
}

export type DaemonVerdict =
  | { readonly ok: true; readonly record: ProcessRecord }
  | { readonly ok: false; readonly problem: string };

export interface CoordinatorEffects {
  /** Whether `port` can be bound on every local address right now. */
  readonly probe: Probe;
  /** The OS's start time of `pid`; null when it is not running. */
  readonly startTimeOf: (pid: number) => string | null;
  /** The process group of `pid`; null when it is not running. */
  readonly groupOf: (pid: number) => number | null;
  /** Why no client can be `pid` (pid 1, another user's), or null: such owners of a loaded state are dropped. */
  readonly ownerProblem: (pid: number) => string | null;
  /** Why a hello claiming `pid` cannot be from that process, or null (verify-pid.ts). */
  readonly helloProblem: (pid: number, proof: PidProof | undefined) => string | null;
  /**
   * Why `pid` is not provably a process the owner `ownerPid` started, or null (verify-pid.ts);
   * PROCESS_GONE when it has exited (a zombie included): there is nothing to record then.
   */
  readonly processProblem: (ownerPid: number, pid: number) => string | null;
  /** Whether the OS confirms a daemon as the stack's (verify-pid.ts; docs/security.md, "Daemons"). */
  readonly verifyDaemon: (claim: DaemonClaim) => Promise<DaemonVerdict>;
  /**
   * Runs the targets' stop commands, then kills everything of the targets (graceful signal,
   * SIGKILL after a short grace), never pid 1,
   * the coordinator, its parents or another user's process (os/kill-guard.ts).
   */
  readonly kill: (targets: readonly KillTarget[]) => Promise<void>;
  /** The program listening on `port`, for messages. */
  readonly holderOf: (port: number) => Promise<ProcessHolder | null>;
  /**
   * Sends `signal` to `pid` if it still runs with `startTime` and may be signalled at all
   * (os/kill-guard.ts): how an unused shared service's supervisor is told to stop. Optional for
   * fakes that never run one.
   */
  readonly signal?: (pid: number, startTime: string | null, signal: NodeJS.Signals) => boolean;
  /**
   * Stops what still listens on `ports` (leased to a reaped owner) when it runs as our user and
   * started since `since`, the owner's start time (os/port-sweep.ts); names what it leaves alone.
   * Optional for fakes, whose ports nothing listens on.
   */
  readonly sweepPorts?: (ports: readonly number[], since: string | null) => Promise<readonly SweptListener[]>;
  /**
   * Whether `pid` has a SIGKILL pending: killed but not exited yet (os/process-table.ts). A
   * stopping coordinator reaps such an owner too. Optional for fakes that never kill one so.
   */
  readonly dying?: (pid: number) => boolean;
  readonly now: () => number;
}

/** What `processProblem` says of a process that has exited. */
export const PROCESS_GONE = 'gone';

export interface CoordinatorInfo {
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number;
  readonly socket: string;
  readonly home: string;
  readonly configFile: string;
}

export interface Context {
  readonly state: CoordinatorState;
  readonly effects: CoordinatorEffects;
  readonly types: TypesSource;
  readonly ephemeral: readonly [number, number] | null;
  readonly info: CoordinatorInfo;
  readonly log: Log;
  /** Schedules a write of the state file. */
  readonly persist: () => void;
  /**
   * Appends what changed to the journal, synchronously, before the reply (journal.ts). With
   * `what` (a grant: "the lease"), a failed write throws STYXY_STATE_WRITE_FAILED and the caller
   * must change nothing; without it (a release, a reap: giving back) the failure is logged and
   * the change stands.
   */
  readonly journal: (entry: JournalEntry, what?: string) => void;
  /** Runs `task` after every task queued before it (reservations and reclaims). */
  readonly serialize: <T>(task: () => Promise<T>) => Promise<T>;
  /** True while the owner's process is the one that said hello (pid and start time). */
  readonly isAlive: (owner: Owner) => boolean;
  /** Kills what a dead owner left and frees what it held; resolves when done (once per owner). */
  readonly reap: (owner: Owner, reason: string) => Promise<void>;
}

/** A promise chain: each task starts when the previous one settled. */
export function createSerializer(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task);
    tail = result.catch(() => {});
    return result;
  };
}
