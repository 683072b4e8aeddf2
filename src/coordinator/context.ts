/**
 * The context the coordinator's request handlers share (each takes it first, as `core`): its
 * state, its effects (injected, so tests can drive the whole coordinator in-process with fakes),
 * and the serializer that makes reservations one at a time.
 */
import type { ProcessRecord } from '../os/stop-target.js';
import type { Probe } from './choose-ports.js';
import type { Log } from './log.js';
import type { ProcessHolder } from './port-holder.js';
import type { CoordinatorState, Owner } from './state.js';
import type { TypesSource } from './types-source.js';

/** What to kill for a dead owner: reported groups, and the processes carrying a run token. */
export interface KillTarget {
  readonly groups: readonly ProcessRecord[];
  readonly token: string | null;
}

export interface CoordinatorEffects {
  /** Whether `port` can be bound on every local address right now. */
  readonly probe: Probe;
  /** The OS's start time of `pid`; null when it is not running. */
  readonly startTimeOf: (pid: number) => string | null;
  /** The process group of `pid`; null when it is not running. */
  readonly groupOf: (pid: number) => number | null;
  /** Kills everything of the targets (graceful signal, SIGKILL after a short grace). */
  readonly kill: (targets: readonly KillTarget[]) => Promise<void>;
  /** The program listening on `port`, for messages. */
  readonly holderOf: (port: number) => Promise<ProcessHolder | null>;
  readonly now: () => number;
}

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
   * Writes what `owner` holds now (or that it is gone) to the journal, synchronously: call it
   * after every change to an owner's leases or stacks, before the reply (journal.ts).
   */
  readonly journal: (owner: Owner) => void;
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
