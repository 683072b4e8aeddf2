/**
 * The stacks `styxy top` shows, polled from the coordinator over one connection kept open (never
 * starting a coordinator: with none running, no stack runs; it looks again every second).
 */
import { type CoordinatorConnection, connectCoordinator } from '../../client/coordinator-client.js';
import { isStyxyError } from '../../protocol/errors.js';
import type { StacksFeed, TopSnapshot } from '../../ui/top-ui.js';

/** How often the list is refreshed: often enough to look live, cheap for the coordinator. */
export const POLL_MS = 500;
const RETRY_MS = 1000;

export interface PolledFeed extends StacksFeed {
  /** The first answer (or that no coordinator runs) is in. */
  readonly ready: Promise<void>;
  close(): void;
}

export function pollStacks(): PolledFeed {
  let snapshot: TopSnapshot = { stacks: [], coordinator: false };
  const listeners = new Set<() => void>();
  let client: CoordinatorConnection | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const publish = (next: TopSnapshot) => {
    snapshot = next;
    markReady();
    for (const listener of listeners) listener();
  };
  const tick = async () => {
    let pause = POLL_MS;
    try {
      client ??= await connectCoordinator({ kind: 'cli', autoStart: false, timeoutMs: 3000 });
      publish({ stacks: await client.listStacks(), coordinator: true });
    } catch (error) {
      if (!isStyxyError(error)) throw error;
      await client?.close().catch(() => {});
      client = null;
      publish({ stacks: [], coordinator: false });
      pause = RETRY_MS;
    }
    if (!closed) timer = setTimeout(() => void tick(), pause);
  };
  void tick();
  return {
    ready,
    current: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      void client?.close().catch(() => {});
    },
  };
}
