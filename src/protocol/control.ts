/**
 * A stack's control socket (`$STYXY_HOME/stacks/<stack-id>/control.sock`): what `attach`, `logs
 * -f`, `restart` and `down` say to a running supervisor, foreground or background. The same
 * envelope as the coordinator's socket (transport/envelope.ts): requests with ids, replies,
 * events; the first request is `hello` with `{ protocol: CONTROL_PROTOCOL_VERSION }`.
 *
 * Wire format: fields may be added, never renamed; a change an older peer would misread bumps
 * CONTROL_PROTOCOL_VERSION. No zod here (clients load this file): the server validates params in
 * supervisor/control/control-schemas.ts.
 *
 * Methods (params → result):
 * - `snapshot` `{}` → StackSnapshot
 * - `logs` `{ service?, limit? }` → `{ lines: LogLine[] }` (the newest `limit`, default 100)
 * - `subscribe` `{ service?, logs?, backlog? }` → SubscribeResult; then `snapshot` and `logs` events
 * - `unsubscribe` `{}` → null
 * - `restartService` / `stopService` / `startService` `{ service }` → null, once the action has
 *   played out (up again, stopped); an error says why it failed (the service's last lines too)
 * - `stopStack` `{ force? }` → StopStackResult, once every process is gone and every port released
 */
import type { LogLine, StackSnapshot } from './stack.js';

export const CONTROL_PROTOCOL_VERSION = 1;

/** The socket's file name in the stack's folder (see `socketPathIn` for long paths). */
export const CONTROL_SOCKET_NAME = 'control.sock';

export const CONTROL_METHODS = [
  'snapshot',
  'logs',
  'subscribe',
  'unsubscribe',
  'restartService',
  'stopService',
  'startService',
  'stopStack',
] as const;
export type ControlMethod = (typeof CONTROL_METHODS)[number];

/** Lines a `logs` request or a subscription's backlog may ask for. */
export const MAX_LOG_REQUEST = 20_000;

/** The hello's result: which stack answers. */
export interface ControlHello {
  readonly protocol: number;
  readonly stack: Omit<StackSnapshot['stack'], 'detached'>;
}

export interface SubscribeResult {
  readonly snapshot: StackSnapshot;
  /** The newest `backlog` lines (of `service`, or of all services interleaved), oldest first. */
  readonly lines: readonly LogLine[];
}

/** Events pushed to a subscriber. */
export type ControlEvent =
  | { readonly event: 'snapshot'; readonly data: { readonly snapshot: StackSnapshot } }
  /**
   * New lines, oldest first. `dropped`: lines left out just before these because the subscriber
   * was not reading fast enough (the stack never waits for a subscriber).
   */
  | { readonly event: 'logs'; readonly data: { readonly lines: readonly LogLine[]; readonly dropped: number } };

/** How a stack stopped by `stopStack` ended. */
export interface StopStackResult {
  readonly outcome: 'clean' | 'interrupted' | 'failed';
  /** For `failed`: what failed. */
  readonly message?: string;
}
