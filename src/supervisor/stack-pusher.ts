/**
 * Pushes the stack's state to the coordinator (for `ps`), at most once per `intervalMs`: a burst
 * of changes (a restart loop, a stack starting) becomes one push of the latest state. `flush`
 * pushes at once and settles when the coordinator has the state: what `up -d`, `restart`, `stop`
 * and `start` wait for before they answer, so that a `ps`, `port` or `ls` run right after them
 * already shows what they did (docs/architecture.md, "The supervisor").
 */
export interface StackPusher {
  /** Something changed: push within `intervalMs`. */
  schedule(): void;
  /**
   * Pushes the latest state now (a pending push is folded into it) and settles once the
   * coordinator has answered, or after `timeoutMs` (a coordinator away is told by the reclaim
   * after reconnecting; an answer must not wait for it). Never rejects.
   */
  flush(timeoutMs?: number): Promise<void>;
  /** Drops a pending push (the stack is ending). */
  cancel(): void;
}

/** How long an answer waits for the coordinator to have the state. */
const FLUSH_TIMEOUT_MS = 2000;

export function createStackPusher(push: () => Promise<void>, intervalMs = 100): StackPusher {
  let timer: NodeJS.Timeout | null = null;
  let cancelled = false;
  return {
    schedule() {
      if (timer || cancelled) return;
      timer = setTimeout(() => {
        timer = null;
        if (!cancelled) push().catch(() => {});
      }, intervalMs);
    },
    flush(timeoutMs = FLUSH_TIMEOUT_MS) {
      if (cancelled) return Promise.resolve();
      if (timer) clearTimeout(timer);
      timer = null;
      // Pushes go out in order over one connection: this one, the latest, is applied last.
      const pushed = push().catch(() => {});
      let bound: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        bound = setTimeout(resolve, timeoutMs);
        bound.unref();
      });
      return Promise.race([pushed, late]).finally(() => clearTimeout(bound));
    },
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
