/**
 * A stack's control socket (`$STYXY_HOME/stacks/<stack-id>/control.sock`): what `attach`, `logs
 * -f`, `restart` and `down` say to a running supervisor, foreground or background. The same
 * envelope as the coordinator's socket (transport/envelope.ts): requests with ids, replies,
 * events; the first request is `hello` with `{ protocol: CONTROL_PROTOCOL_VERSION }`.
 *
 * The method map: each method's params schema is in control-params.ts (the supervisor validates
 * every request with it), its result shape here (the client checks every reply against it), and
 * so are the events a subscriber is pushed. This file loads no zod: clients load it.
 *
 * - `snapshot` `{}` → StackSnapshot
 * - `logs` `{ service?, limit? }` → `{ lines: LogLine[] }` (the newest `limit`, default 100)
 * - `subscribe` `{ service?, logs?, backlog? }` → `{ snapshot, lines }`; then `snapshot` and `logs` events
 * - `unsubscribe` `{}` → null
 * - `restartService` / `stopService` / `startService` `{ service }` → null, once the action has
 *   played out (up again, stopped); an error says why it failed (the service's last lines too)
 * - `input` `{ service, data }` → null, once `data` is written to the service's stdin pipe or
 *   terminal; an error when it reads no input (`stdin: 'null'`) or does not run
 * - `stopStack` `{ force? }` → `{ outcome, message? }`, once every process is gone and every port released
 * - `applyConfig` `{}` → `{ outcome, changed }`: the supervisor reloads its config and restarts
 *   the services whose definition changed (`applied`, once they are up again), or answers that
 *   the change needs the whole stack restarted (`restart-stack`, nothing done); `changed` lists
 *   `{ service, action }` (supervisor/config-change.ts)
 *
 * Wire format: fields may be added, never renamed; a change an older peer would misread bumps
 * CONTROL_PROTOCOL_VERSION.
 */
import type { CONTROL_PARAMS } from './control-params.js';
import type { MethodMapOf } from './methods.js';
import { array, type Infer, literal, none, number, object, optional, string } from './shape.js';
import { logLine, stackIdentity, stackSnapshot } from './stack.js';

/** 2: input and applyConfig; the `unhealthy` and `off` statuses in snapshots. */
export const CONTROL_PROTOCOL_VERSION = 2;

/** The socket's file name in the stack's folder (see `socketPathIn` for long paths). */
export const CONTROL_SOCKET_NAME = 'control.sock';

/** Lines a `logs` request or a subscription's backlog may ask for. */
export const MAX_LOG_REQUEST = 20_000;

/** Characters one `input` request may carry. */
export const MAX_INPUT_LENGTH = 64 * 1024;

/** The hello's result: which stack answers. */
const controlHello = object({ protocol: number, stack: object(stackIdentity) });
export type ControlHello = Infer<typeof controlHello>;

const subscribeResult = object({
  snapshot: stackSnapshot,
  /** The newest `backlog` lines (of `service`, or of all services interleaved), oldest first. */
  lines: array(logLine),
});
export type SubscribeResult = Infer<typeof subscribeResult>;

/** How a stack stopped by `stopStack` ended. */
const stopStackResult = object({
  outcome: literal('clean', 'interrupted', 'failed'),
  /** For `failed`: what failed. */
  message: optional(string),
});
export type StopStackResult = Infer<typeof stopStackResult>;

/** What `applyConfig` did, or what a restart of the stack would do. */
const applyConfigResult = object({
  outcome: literal('applied', 'restart-stack'),
  changed: array(object({ service: string, action: literal('restarted', 'stopped', 'started') })),
});
export type ApplyConfigResult = Infer<typeof applyConfigResult>;

/** Each method's result shape. The params of each are in control-params.ts. */
export const CONTROL_RESULTS = {
  hello: controlHello,
  snapshot: stackSnapshot,
  logs: object({ lines: array(logLine) }),
  subscribe: subscribeResult,
  unsubscribe: none,
  restartService: none,
  stopService: none,
  startService: none,
  input: none,
  stopStack: stopStackResult,
  applyConfig: applyConfigResult,
} as const;

export type ControlMethod = keyof typeof CONTROL_RESULTS;

/** The method map: what a client sends and what it gets back, per method. */
export type ControlProtocol = MethodMapOf<typeof CONTROL_PARAMS, typeof CONTROL_RESULTS>;

/** The events pushed to a subscriber, by name. */
export const CONTROL_EVENTS = {
  snapshot: object({ snapshot: stackSnapshot }),
  /**
   * New lines, oldest first. `dropped`: lines left out just before these because the subscriber
   * was not reading fast enough (the stack never waits for a subscriber).
   */
  logs: object({ lines: array(logLine), dropped: number }),
} as const;

export type ControlEvents = { readonly [E in keyof typeof CONTROL_EVENTS]: Infer<(typeof CONTROL_EVENTS)[E]> };
