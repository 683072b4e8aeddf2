/**
 * Waits until a stack is really gone: the coordinator no longer lists it (its ports are released)
 * and none of its processes runs (zombies count as gone). Used by `down` and by a failed `up -d`,
 * which must not return while anything of the stack is left.
 *
 * `down --all` waits for many stacks at once: they share one connection and one poll
 * (`watchStacksGone`). Each stack polling on a connection of its own made 100 connections and
 * ~10,000 `listStacks` a second for 100 stacks, on the coordinator their supervisors needed to
 * unregister.
 */
import { type CoordinatorConnection, connectCoordinator } from '../../client/coordinator-client.js';
import { processInfo } from '../../os/process-table.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError } from '../../protocol/errors.js';

/**
 * A stack stopped through its control socket is usually gone within a few ms of the answer (its
 * supervisor exits): look often at first, so `down` returns then and not up to 50 ms later, and
 * less often for a stack the coordinator is still reaping.
 */
const FAST_POLL_MS = 10;
const FAST_WINDOW_MS = 1000;
const POLL_MS = 50;

export interface GoneOptions {
  /** The stack's supervisor: only its registration counts (a refused second copy waits for nothing). */
  readonly supervisor: number;
  /** The services' pids. */
  readonly pids?: readonly number[];
  readonly timeoutMs: number;
  readonly home?: string;
}

/** Waits for stacks to be gone, all on one connection and one poll. */
export interface GoneWatch {
  /** True once gone; false when something was still there at the deadline. */
  wait(id: string, options: Omit<GoneOptions, 'home'>): Promise<boolean>;
  close(): Promise<void>;
}

/** True once gone; false when something was still there at the deadline. */
export async function waitStackGone(id: string, options: GoneOptions): Promise<boolean> {
  const watch = watchStacksGone(options.home);
  try {
    return await watch.wait(id, options);
  } finally {
    await watch.close();
  }
}

interface Waiter {
  readonly id: string;
  readonly pids: readonly number[];
  readonly supervisor: number;
  readonly start: number;
  readonly deadline: number;
  readonly settle: (gone: boolean) => void;
  readonly fail: (error: unknown) => void;
}

export function watchStacksGone(home?: string): GoneWatch {
  const waiters = new Set<Waiter>();
  // Null: no coordinator runs, so no stack is registered and only processes can be left.
  let client: Promise<CoordinatorConnection | null> | null = null;
  let polling = false;
  const connect = () =>
    (client ??= connectCoordinator({ kind: 'cli', autoStart: false, ...(home === undefined ? {} : { home }) }).catch(
      (error: unknown) => {
        if (isStyxyError(error) && error.details?.reason === 'not-running') return null;
        throw error;
      },
    ));
  // One stack: only its own registration is asked for (one stack's `down` never depends on the others').
  const listed = async (asked: readonly Waiter[]): Promise<readonly StackInfo[]> => {
    const connection = await connect();
    if (connection === null) return [];
    return connection.listStacks(asked.length === 1 ? asked[0]!.id : undefined);
  };

  async function poll(): Promise<void> {
    polling = true;
    try {
      while (waiters.size > 0) {
        // Only the waiters the answer is about (one added meanwhile waits for the next round).
        const asked = [...waiters];
        const stacks = await listed(asked);
        const now = Date.now();
        for (const waiter of asked) {
          const registered = stacks.some((stack) => stack.id === waiter.id && stack.pid === waiter.supervisor);
          const running = [waiter.supervisor, ...waiter.pids].some((pid) => processInfo(pid) !== null);
          if ((!registered && !running) || now >= waiter.deadline) {
            waiters.delete(waiter);
            waiter.settle(!registered && !running);
          }
        }
        if (waiters.size === 0) break;
        const fast = [...waiters].some((waiter) => now - waiter.start < FAST_WINDOW_MS);
        await new Promise((resolve) => setTimeout(resolve, fast ? FAST_POLL_MS : POLL_MS));
      }
    } catch (error) {
      for (const waiter of waiters) waiter.fail(error);
      waiters.clear();
    } finally {
      polling = false;
    }
  }

  return {
    wait(id, options) {
      return new Promise<boolean>((settle, fail) => {
        const start = Date.now();
        waiters.add({
          id,
          supervisor: options.supervisor,
          pids: options.pids ?? [],
          start,
          deadline: start + options.timeoutMs,
          settle,
          fail,
        });
        if (!polling) void poll();
      });
    },
    async close() {
      const connection = await client?.catch(() => null);
      await connection?.close();
    },
  };
}
