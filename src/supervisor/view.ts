/**
 * A view of one running stack: what the UI (Ink or plain lines) renders and the actions it can
 * dispatch. The supervisor implements it for a foreground stack; `attach` implements it over a
 * stack's control socket. The UI never spawns, never touches sockets: it reads this and calls
 * `actions`.
 *
 * The snapshot and log-line types are wire types (src/protocol/stack.ts).
 */

import type { LogLine, StackEvent, StackSnapshot } from '../protocol/stack.js';

export type {
  LogLine,
  ServiceSnapshot,
  ServiceStatus,
  StackEvent,
  StackPhase,
  StackSnapshot,
} from '../protocol/stack.js';

export interface StackStopOptions {
  readonly force?: boolean;
  readonly signal?: NodeJS.Signals;
}

export interface StackActions {
  /** Restart one service, keeping its ports. */
  restart(service: string): Promise<void>;
  /** Stop one service (it stays stopped until `start`). */
  stop(service: string): Promise<void>;
  /** Start a stopped service again. */
  start(service: string): Promise<void>;
  /**
   * Type into a running service: `data` goes to its stdin pipe or terminal as it is. Rejects when
   * the service reads no input (`stdin: 'null'`) or does not run.
   */
  input(service: string, data: string): Promise<void>;
  /**
   * Stop the whole stack; `force` skips the grace period (second Ctrl-C). `signal`: the stop
   * answers that signal (the UI's Ctrl-C, which a terminal in raw mode delivers as a key, is
   * SIGINT), so the stack ends `interrupted` (`up` exits 130) rather than cleanly; the first
   * stop request of a stack decides how it ended.
   */
  stopStack(options?: StackStopOptions): Promise<void>;
}

export interface StackView {
  getSnapshot(): StackSnapshot;
  /**
   * Recent lines from the bounded per-service rings: of one service, or of all services
   * interleaved by `seq`. At most `limit` lines (the newest).
   */
  getLogs(service?: string, limit?: number): readonly LogLine[];
  /** Called on every state change and log line. Returns an unsubscribe function. */
  subscribe(listener: (event: StackEvent) => void): () => void;
  readonly actions: StackActions;
}
