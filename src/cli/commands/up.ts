/**
 * `styxy up [SERVICE...] [-c FILE] [--name N] [--no-tui] [--json] [-d [--timeout S]]`: run the
 * stack (or the named services and what they need) in the foreground until it stops or is
 * stopped; with `-d`, in the background, returning once every service is up.
 */
import { runDetached } from '../up/run-detached.js';
import { runForeground } from '../up/run-up.js';

export interface UpOptions {
  readonly config?: string;
  readonly name?: string;
  readonly detach?: boolean;
  /** False with `--no-tui`. */
  readonly tui?: boolean;
  readonly json?: boolean;
  /** With `-d`: seconds to wait for every service to be up. */
  readonly timeout?: string;
}

export async function run(services: readonly string[], options: UpOptions): Promise<number> {
  if (options.detach) return runDetached(services, { ...options, json: !!options.json });
  return runForeground(services, { ...options, tui: options.tui !== false, json: !!options.json });
}
