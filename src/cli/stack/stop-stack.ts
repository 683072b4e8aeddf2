/**
 * Stops one running stack for `styxy down` and returns only once its processes are gone and its
 * ports released (the coordinator no longer lists it):
 *
 * 1. through its control socket: the supervisor stops its services in reverse dependency order
 *    (forced with `--force`) and releases the ports, then exits;
 * 2. a supervisor that does not answer (stuck, or of another version) gets SIGTERM, which every
 *    supervisor takes as a graceful stop (SIGKILL with `--force`);
 * 3. one still there at the deadline is killed; a dead supervisor's stack is reaped by the
 *    coordinator (it kills the services' process groups and tagged processes, frees the ports).
 *
 * A pid is only signalled while the coordinator lists it as the stack's live owner (it checks the
 * process's start time, and at hello that the pid was the client's own), and only when it runs as
 * this user, so neither a reused pid nor a stack registered in someone else's name is ever hit.
 *
 * `stopStacks` stops many (`down --all`): in parallel, at most STOP_CONCURRENCY at a time, the
 * stacks using a shared instance before the instance, waiting on one shared poll.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import { processInfo, processUid } from '../../os/process-table.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError } from '../../protocol/errors.js';
import { currentUid } from '../../protocol/private-fs.js';
import { connectStack, stackTitle } from './stack-control.js';
import { type GoneWatch, waitStackGone, watchStacksGone } from './wait-stack-gone.js';

export interface StopStackOptions {
  readonly force: boolean;
  /** For the graceful stop; then the supervisor is killed. */
  readonly timeoutMs: number;
  readonly home?: string;
  /** Told what happens (stderr). */
  readonly say?: (text: string) => void;
  /** Shared with other stacks stopped at the same time (stopStacks); else one of its own. */
  readonly gone?: GoneWatch;
}

/** `control`: stopped by its supervisor; `signal`: by a signal to it; `reaped`: by the coordinator. */
export type StopHow = 'control' | 'signal' | 'reaped';

export interface StoppedStack {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly root: string;
  readonly pid: number;
  readonly how: StopHow;
  /** The ports it held, now released. */
  readonly ports: readonly number[];
  /** False when something of it was still there at the end (then `problem` says what). */
  readonly stopped: boolean;
  readonly problem?: string;
}

/** After the supervisor is killed, the coordinator's reaping (SIGTERM, SIGKILL a second later). */
const REAP_MS = 10_000;

export async function stopStack(stack: StackInfo, options: StopStackOptions): Promise<StoppedStack> {
  const say = options.say ?? (() => {});
  const deadline = Date.now() + options.timeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  const pids = stack.services.flatMap((service) => (service.pid === null ? [] : [service.pid]));
  const gone = (timeoutMs: number) =>
    options.gone
      ? options.gone.wait(stack.id, { supervisor: stack.pid, pids, timeoutMs })
      : waitStackGone(stack.id, { supervisor: stack.pid, pids, timeoutMs, ...home(options) });
  const result = (how: StopHow, stopped: boolean, problem?: string): StoppedStack => ({
    id: stack.id,
    name: stack.name,
    project: stack.project,
    root: stack.root,
    pid: stack.pid,
    how,
    ports: stack.leases.map((lease) => lease.port),
    stopped,
    ...(problem === undefined ? {} : { problem }),
  });

  if (processInfo(stack.pid) === null) {
    say(`stack ${stackTitle(stack)}: its supervisor (pid ${stack.pid}) is gone; the coordinator cleans up`);
    return (await gone(REAP_MS)) ? result('reaped', true) : result('reaped', false, 'the coordinator did not reap it');
  }

  let how: StopHow = 'control';
  try {
    const client = await connectStack(stack, { timeoutMs: Math.min(5000, left()) });
    try {
      await client.stopStack({ force: options.force, timeoutMs: left() });
    } finally {
      client.close();
    }
  } catch (error) {
    if (!isStyxyError(error)) throw error;
    how = 'signal';
    say(
      `stack ${stackTitle(stack)}: ${error.message}; sending ${options.force ? 'SIGKILL' : 'SIGTERM'} to pid ${stack.pid}`,
    );
    await signalOwner(stack, options.force ? 'SIGKILL' : 'SIGTERM', options);
  }
  if (await gone(left())) return result(how, true);
  say(`stack ${stackTitle(stack)}: still running after ${options.timeoutMs / 1000} s; killing pid ${stack.pid}`);
  await signalOwner(stack, 'SIGKILL', options);
  return (await gone(REAP_MS))
    ? result('reaped', true)
    : result('reaped', false, `its processes or its registration were still there ${REAP_MS / 1000} s after SIGKILL`);
}

/**
 * How many stacks stop at once. The sum of all stops is the same CPU work either way; unbounded,
 * 100 supervisors stopping at once on a loaded machine each see their graceful timeout run
 * while waiting for the CPU (a stack's timeout starts when its turn comes), and `down` held 100
 * connections. Stacks that wait on a slow service take no CPU, so the bound is generous.
 */
export const STOP_CONCURRENCY = 16;

/**
 * Stops every one of `stacks` (results in the same order). Shared instances last: the stacks
 * using them stop first, and never see them go.
 */
export async function stopStacks(
  stacks: readonly StackInfo[],
  options: Omit<StopStackOptions, 'gone'>,
): Promise<StoppedStack[]> {
  const gone = watchStacksGone(options.home);
  const results = new Map<StackInfo, StoppedStack>();
  try {
    for (const phase of [stacks.filter((stack) => !stack.shared), stacks.filter((stack) => stack.shared)]) {
      let next = 0;
      const worker = async () => {
        while (next < phase.length) {
          const stack = phase[next++]!;
          results.set(stack, await stopStack(stack, { ...options, gone }));
        }
      };
      await Promise.all(Array.from({ length: Math.min(STOP_CONCURRENCY, phase.length) }, worker));
    }
  } finally {
    await gone.close();
  }
  return stacks.map((stack) => results.get(stack)!);
}

/** Signals the supervisor while the coordinator still lists it as the stack's (live) owner. */
async function signalOwner(stack: StackInfo, name: NodeJS.Signals, options: StopStackOptions): Promise<void> {
  const listed = (await runningStacks(options.home, stack.id)).some((s) => s.pid === stack.pid);
  const uid = currentUid();
  if (!listed || (uid !== null && processUid(stack.pid) !== uid)) return;
  try {
    process.kill(stack.pid, name);
  } catch {
    // Gone meanwhile: the coordinator reaps what it left.
  }
}

function home(options: StopStackOptions): { home?: string } {
  return options.home === undefined ? {} : { home: options.home };
}
