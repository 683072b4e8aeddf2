/**
 * Stopping a target: everything a service (or a dead owner) left behind, by signalling its
 * process groups, the processes that escaped them and those carrying its tag.
 * Every function here is safe against pids that died or were reused: ESRCH is "already gone",
 * and a recorded group is only signalled while its leader is still the process we started.
 */

import { startedNotBefore } from './pid-file.js';
import { descendantsOf, isAlive, isSameProcess, listProcesses, processInfo } from './process-table.js';
import { processesTagged } from './tag.js';

/** A process Styxy started: its pid, its process group, and its start time (pid-reuse guard). */
export interface ProcessRecord {
  readonly pid: number;
  readonly pgid: number;
  readonly startTime: string | null;
}

/** Sends `signal` to one pid. False when it does not exist. */
export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to every process of group `pgid`. False when the group is empty. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1 || pgid === ownGroup()) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

let cachedGroup: number | undefined;
function ownGroup(): number {
  cachedGroup ??= processInfo(process.pid)?.pgid ?? -1;
  return cachedGroup;
}

/**
 * Signals a recorded group unless its leader's pid now names another process. (While any member
 * of a group lives, Linux never hands its id out as a new pid, so a live group whose leader is
 * gone is still ours; a leader pid with another start time means the group is gone and reused.)
 */
export function signalRecordedGroup(record: ProcessRecord, signal: NodeJS.Signals): boolean {
  const leader = processInfo(record.pgid);
  if (leader && record.pgid === record.pid && !isSameProcess(record.pid, record.startTime)) return false;
  return signalGroup(record.pgid, signal);
}

/** What to stop: process groups Styxy started, and the tag its processes carry. */
export interface StopTarget {
  readonly groups: readonly ProcessRecord[];
  /** The run token of `STYXY_TAG` (see tag.ts); with `service`, only that service's processes. */
  readonly token?: string;
  readonly service?: string;
  /**
   * Pids it says no to are never signalled (the coordinator's: never pid 1, itself, its parents,
   * or another user's process; see kill-guard.ts). A group with such a member is signalled
   * member by member instead.
   */
  readonly guard?: (pid: number) => boolean;
  /**
   * The start time of the process that made `token` (the supervisor): every process carrying it
   * descends from that one, so started no earlier, and only those are read for the tag (each
   * stop read the environment of every process on the machine). Null or absent: all are read.
   */
  readonly taggedSince?: string | null;
}

/**
 * Pids still alive for `target`: members of its groups, descendants of its recorded pids
 * (double-forked processes keep no parent link, which is what the tag is for), and every
 * process carrying its tag.
 */
export function remainingProcesses(target: StopTarget): number[] {
  const table = listProcesses();
  const pids = new Set<number>();
  const groups = new Set(
    target.groups.filter((record) => isSameProcess(record.pid, record.startTime) || !isAlive(record.pid)),
  );
  for (const info of table) {
    for (const record of groups) if (info.pgid === record.pgid) pids.add(info.pid);
  }
  for (const record of groups) {
    // Never the descendants of init (that is every process), whatever a record says.
    if (record.pid <= 1 || !isSameProcess(record.pid, record.startTime)) continue;
    pids.add(record.pid);
    for (const child of descendantsOf(record.pid, table)) pids.add(child.pid);
  }
  if (target.token) {
    const since = target.taggedSince ?? null;
    const among =
      since === null
        ? undefined
        : table.filter((info) => startedNotBefore(info.startTime, since)).map((info) => info.pid);
    for (const pid of processesTagged(target.token, target.service, among)) pids.add(pid);
  }
  pids.delete(process.pid);
  const guard = target.guard ?? (() => true);
  return [...pids].filter((pid) => guard(pid) && processInfo(pid) !== null);
}

/**
 * Signals every process of `target` (groups first, then stragglers one by one). A member of a
 * group just signalled is not signalled again: many programs read a second SIGINT or SIGTERM as
 * "force quit now" and would skip their graceful shutdown.
 */
export function signalTarget(target: StopTarget, signal: NodeJS.Signals): number {
  let signalled = 0;
  const reached = new Set<number>();
  const table = target.guard ? listProcesses() : [];
  for (const record of target.groups) {
    if (target.guard && table.some((info) => info.pgid === record.pgid && !target.guard!(info.pid))) continue;
    if (!signalRecordedGroup(record, signal)) continue;
    signalled++;
    reached.add(record.pgid);
  }
  for (const pid of remainingProcesses(target)) {
    if (reached.has(processInfo(pid)?.pgid ?? -1)) continue;
    if (signalPid(pid, signal)) signalled++;
  }
  return signalled;
}

export interface StopOptions {
  /** The graceful signal. @default 'SIGTERM' */
  readonly signal?: NodeJS.Signals;
  /** Time between the graceful signal and SIGKILL, in ms. @default 5000 */
  readonly timeoutMs?: number;
  /** Time to wait for SIGKILLed processes to disappear, in ms. @default 2000 */
  readonly killWaitMs?: number;
  /** Polling interval, in ms. @default 25 */
  readonly intervalMs?: number;
}

export interface StopResult {
  /** True when the graceful signal was not enough and SIGKILL was sent. */
  readonly killed: boolean;
  /** Pids that survived even SIGKILL within `killWaitMs` (uninterruptible sleep, or not ours). */
  readonly survivors: readonly number[];
}

/**
 * Stops everything of `target`: the graceful signal to its groups and to escaped processes,
 * SIGKILL to whatever is left after `timeoutMs`, then a wait until nothing is left.
 */
export async function stopTarget(target: StopTarget, options: StopOptions = {}): Promise<StopResult> {
  const { signal = 'SIGTERM', timeoutMs = 5000, killWaitMs = 2000, intervalMs = 25 } = options;
  // Nothing to signal is nothing left: no second walk to find that out again.
  if (signalTarget(target, signal) === 0) return { killed: false, survivors: [] };
  if (await waitUntilGone(target, timeoutMs, intervalMs)) return { killed: false, survivors: [] };
  signalTarget(target, 'SIGKILL');
  // SIGKILL asked for at once (a forced stop, timeout 0) escalated nothing: a process killed a
  // moment ago can still look alive, which must not make the stop read as an escalation.
  const killed = signal !== 'SIGKILL';
  if (await waitUntilGone(target, killWaitMs, intervalMs)) return { killed, survivors: [] };
  return { killed, survivors: remainingProcesses(target) };
}

async function waitUntilGone(target: StopTarget, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const guard = target.guard ?? (() => true);
  // A recorded process still running is one remainingProcesses would list: while one does, the
  // walk over every process (and its environment, for the tag) is not needed. It ran every 25 ms
  // for as long as a service took to stop, in each of the stacks `down --all` stopped at once.
  const recordedRunning = () =>
    target.groups.some((record) => record.pid > 1 && guard(record.pid) && isSameProcess(record.pid, record.startTime));
  for (;;) {
    if (!recordedRunning() && remainingProcesses(target).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
