/**
 * Start or join each shared service a stack uses, before its own services start: ask the
 * coordinator (`acquireShared`); when told to start, start the instance (spawn-shared.ts) and ask
 * again; while someone else starts it (or it is stopping), ask again shortly; once it is up, take
 * its ports. Of N stacks starting at once, the coordinator tells exactly one to start it.
 */
import type { CoordinatorClient } from '../../client/coordinator-client.js';
import { StyxyError } from '../../protocol/errors.js';

/** Between two questions while another stack starts the instance. */
const POLL_MS = 50;

export interface JoinRequest {
  readonly stackId: string;
  readonly service: string;
  /** Starts the instance; resolves once it is up. */
  readonly start: () => Promise<unknown>;
  readonly timeoutMs: number;
  /** Whether the stack's start was called off meanwhile. */
  readonly cancelled?: () => boolean;
  readonly onWait?: (reason: string) => void;
}

export interface JoinedShared {
  readonly instance: string;
  readonly pid: number;
  readonly ports: Readonly<Record<string, number>>;
}

export async function joinShared(coordinator: CoordinatorClient, request: JoinRequest): Promise<JoinedShared> {
  const deadline = Date.now() + request.timeoutMs;
  let lastReason: string | null = null;
  for (;;) {
    if (request.cancelled?.()) throw new StyxyError('STYXY_INTERRUPTED', 'interrupted');
    const answer = await coordinator.acquireShared(request.stackId, request.service);
    switch (answer.action) {
      case 'join':
        return { instance: answer.instance, pid: answer.pid, ports: answer.ports };
      case 'start':
        await request.start();
        continue;
      case 'wait':
        if (answer.reason !== lastReason) request.onWait?.(answer.reason);
        lastReason = answer.reason;
        break;
    }
    if (Date.now() > deadline) {
      throw new StyxyError(
        'STYXY_TIMEOUT',
        `shared service "${request.service}" was not up within ${Math.round(request.timeoutMs / 1000)} s (${lastReason ?? 'waiting'})`,
        { hint: 'see `styxy ps --all` for its stack' },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
