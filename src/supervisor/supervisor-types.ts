/** The supervisor's public types: its options, its outcome, and the object itself. */
import type { CoordinatorClient } from '../client/coordinator-client.js';
import type { ResolvedConfig } from '../config/types.js';
import type { ApplyConfigResult } from '../protocol/control-protocol.js';
import type { StyxyError } from '../protocol/errors.js';
import type { StackSnapshot } from '../protocol/stack.js';
import type { StackView } from './view.js';

export interface SupervisorOptions {
  readonly config: ResolvedConfig;
  /** Run these services and what they need (default: every service). */
  readonly services?: readonly string[];
  /**
   * The active profiles: without `services`, a service with `profiles` none of which is active
   * is `off` (listed, not started, no ports leased) until started by hand. @default none
   */
  readonly profiles?: readonly string[];
  /** @default 'default' */
  readonly stackName?: string;
  readonly coordinator: CoordinatorClient;
  /** The stack runs in the background (`up -d`). @default false */
  readonly detached?: boolean;
  /** Write `<logDir>/<service>.log` (background stacks). @default null: no files */
  readonly logDir?: string | null;
  /**
   * Serve the stack's control socket, `<controlDir>/control.sock` (supervisor/control/), once the
   * stack is registered, and tell the coordinator where it is. @default null: none
   */
  readonly controlDir?: string | null;
  /** Where the control socket logs protocol violations. @default nowhere */
  readonly controlLog?: (line: string) => void;
  /** The environment services inherit. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Lines kept per service. @default 5000 */
  readonly ringSize?: number;
  /** Least time between two pushes of the stack's state to the coordinator. @default 100 */
  readonly pushIntervalMs?: number;
  readonly now?: () => number;
  /** Watch each service's `watch` files (false: `up --no-watch`). @default true */
  readonly watch?: boolean;
  /** The run token of the stack's STYXY_TAG. @default a fresh random one */
  readonly runToken?: string;
  /**
   * Run as the instance of this shared service (a background supervisor started by
   * shared/spawn-shared.ts), registered with its key. @default none: a stack of the project
   */
  readonly sharedInstance?: string;
  /**
   * Loads the config again as it was loaded for this stack (its files, its folder): what
   * `applyConfig` takes. @default none: the stack cannot take a new config while it runs
   */
  readonly reload?: () => Promise<ResolvedConfig>;
}

/** How a stack ended: stopped on request or by itself (exit 0), by a signal (128 + n), or failed (1). */
export type StackOutcome =
  | { readonly kind: 'clean' }
  | { readonly kind: 'interrupted'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'failed'; readonly error: StyxyError };

export interface StopOptions {
  /** Skip the grace period: SIGKILL now (second Ctrl-C). */
  readonly force?: boolean;
  /** The signal that asked for the stop: the outcome is then `interrupted`. */
  readonly signal?: NodeJS.Signals;
}

export interface Supervisor extends StackView {
  readonly id: string;
  readonly runToken: string;
  /** Registers, leases, starts. Resolves once every service is ready, running or completed. */
  start(): Promise<StackSnapshot>;
  /**
   * Stops every service in reverse dependency order and releases every port. Settles then (the
   * control socket may still be closing: wait for `done` before exiting).
   */
  stop(options?: StopOptions): Promise<StackOutcome>;
  /** The final outcome, once everything is stopped and released and the control socket closed; never rejects. */
  readonly done: Promise<StackOutcome>;
  /** The control socket's path once it listens (null without `controlDir`, or before). */
  readonly controlSocket: string | null;
  /** Takes the config as it is now (apply-config.ts): restarts what changed, or says the stack must restart. */
  applyConfig(): Promise<ApplyConfigResult>;
}
