/**
 * What `styxy up -d` and the background supervisor it spawns agree on: the entry, its arguments,
 * where its own output goes, and the reports it sends back while the stack starts.
 *
 * How the parent learns readiness: the child gets a pipe as fd 3 and writes one JSON report per
 * line on it — progress lines, then exactly one of `up` (every service is ready; the snapshot) or
 * `failed` (after everything it started is stopped and every port released) — and closes it. A
 * pipe rather than polling the control socket because it also carries what goes wrong before
 * there is a socket (a config error, a refused second copy) with its full error, it tells at once
 * (no polling interval), and its end tells the parent the child died without a word (EOF). The
 * child writes asynchronously and drops progress lines a stalled parent does not read, so a
 * parent stopped with Ctrl-Z cannot stall the stack; a parent gone makes writes fail, which the
 * child ignores: the stack runs on.
 */
import type { WireError } from '../../protocol/errors.js';
import { packageFile } from '../../protocol/package-root.js';
import type { StackSnapshot } from '../../protocol/stack.js';

/** The report pipe's file descriptor in the child. */
export const REPORT_FD = 3;

/** The background supervisor's own stdout and stderr, in the stack's folder (append-only). */
export const SUPERVISOR_OUTPUT = 'supervisor.out';

export interface BackgroundArgs {
  /** Where `up -d` ran: the config search starts here, and `config` is relative to it. */
  readonly cwd: string;
  /** Every `-c FILE`, in order (the first is the config, the others merge over it). */
  readonly config: readonly string[] | null;
  readonly stackName: string;
  /** Services named on the command line (with what they need); empty: all. */
  readonly services: readonly string[];
  /** The active profiles (services outside them are `off`). */
  readonly profiles: readonly string[];
  /** Give up (stop everything, report a timeout) when the stack is not up by then. */
  readonly timeoutMs: number;
  /** Run the instance of this shared service (shared/spawn-shared.ts), not the project's stack. */
  readonly shared?: string;
  /** Watch the services' `watch` files (false: `--no-watch`; absent from an older CLI: true). */
  readonly watch?: boolean;
}

export type BackgroundReport =
  | { readonly type: 'starting'; readonly text: string }
  /** One of Styxy's lifecycle lines about a service (`ready on :8001 in 312 ms`). */
  | { readonly type: 'progress'; readonly service: string; readonly text: string }
  | { readonly type: 'up'; readonly snapshot: StackSnapshot }
  | { readonly type: 'failed'; readonly error: WireError };

/** The child's entry: the built one, also when the sources run (tests). */
export function backgroundEntry(): string {
  return packageFile('dist/supervisor/background-main.js');
}

export function encodeArgs(args: BackgroundArgs): string[] {
  return [JSON.stringify(args)];
}

export function decodeArgs(argv: readonly string[]): BackgroundArgs {
  const parsed: unknown = JSON.parse(argv[0] ?? 'null');
  const args = parsed as Partial<BackgroundArgs> | null;
  if (
    !args ||
    typeof args.cwd !== 'string' ||
    (args.config !== null &&
      !(Array.isArray(args.config) && args.config.every((file: unknown) => typeof file === 'string'))) ||
    typeof args.stackName !== 'string' ||
    !Array.isArray(args.services) ||
    !args.services.every((service) => typeof service === 'string') ||
    !Array.isArray(args.profiles) ||
    !args.profiles.every((profile) => typeof profile === 'string') ||
    typeof args.timeoutMs !== 'number' ||
    (args.shared !== undefined && typeof args.shared !== 'string') ||
    (args.watch !== undefined && typeof args.watch !== 'boolean')
  ) {
    throw new Error(`not arguments of a background supervisor: ${String(argv[0]).slice(0, 200)}`);
  }
  return args as BackgroundArgs;
}

/** A report line's data, or null when it is not one (checked by hand: the CLI loads no zod). */
export function readReport(line: string): BackgroundReport | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const report = value as Record<string, unknown>;
  switch (report.type) {
    case 'starting':
      return typeof report.text === 'string' ? (report as BackgroundReport) : null;
    case 'progress':
      return typeof report.text === 'string' && typeof report.service === 'string'
        ? (report as BackgroundReport)
        : null;
    case 'up':
      return typeof report.snapshot === 'object' && report.snapshot !== null ? (report as BackgroundReport) : null;
    case 'failed': {
      const error = report.error as Record<string, unknown> | null;
      return error && typeof error.code === 'string' && typeof error.message === 'string'
        ? (report as BackgroundReport)
        : null;
    }
    default:
      return null;
  }
}
