/**
 * Waits until a stack is really gone: the coordinator no longer lists it (its ports are released)
 * and none of its processes runs (zombies count as gone). Used by `down` and by a failed `up -d`,
 * which must not return while anything of the stack is left.
 */
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import { processInfo } from '../../os/process-table.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';

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

/** True once gone; false when something was still there at the deadline. */
export function waitStackGone(id: string, options: GoneOptions): Promise<boolean> {
  const start = Date.now();
  const deadline = start + options.timeoutMs;
  const poll = async (listStacks: () => Promise<readonly StackInfo[]>) => {
    for (;;) {
      const stacks = await listStacks();
      const listed = stacks.some((stack) => stack.id === id && stack.pid === options.supervisor);
      const running = [options.supervisor, ...(options.pids ?? [])].some((pid) => processInfo(pid) !== null);
      if (!listed && !running) return true;
      if (Date.now() >= deadline) return false;
      const pause = Date.now() - start < FAST_WINDOW_MS ? FAST_POLL_MS : POLL_MS;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  return withRunningCoordinator(
    (client) => poll(() => client.listStacks(id)),
    // No coordinator: no stack is registered, only processes can be left.
    () => poll(async () => []),
    options.home === undefined ? {} : { home: options.home },
  );
}
