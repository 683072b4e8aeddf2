/**
 * Pushes the stack's state to the coordinator (for `ps`), at most once per `intervalMs`: a burst
 * of changes (a restart loop, a stack starting) becomes one push of the latest state.
 */
export interface StackPusher {
  /** Something changed: push within `intervalMs`. */
  schedule(): void;
  /** Drops a pending push (the stack is ending). */
  cancel(): void;
}

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
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
