/**
 * `styxy up [SERVICE...] [-c FILE] [--name N] [--no-tui] [--json]`: run the stack (or the named
 * services and what they need) in the foreground until it stops or is stopped.
 */
import { notImplemented } from '../not-implemented.js';
import { runForeground } from '../up/run-up.js';

export interface UpOptions {
  readonly config?: string;
  readonly name?: string;
  readonly detach?: boolean;
  /** False with `--no-tui`. */
  readonly tui?: boolean;
  readonly json?: boolean;
}

export async function run(services: readonly string[], options: UpOptions): Promise<number> {
  if (options.detach) notImplemented('up -d', 7);
  return runForeground(services, { ...options, tui: options.tui !== false, json: !!options.json });
}
