/**
 * `styxy up [SERVICE...] [-c FILE] [--name N] [--no-tui] [--no-watch] [--json] [-d [--timeout S]]`: run the
 * stack (or the named services and what they need) in the foreground until it stops or is
 * stopped; with `-d`, in the background, returning once every service is up.
 */

export interface UpOptions {
  readonly config?: readonly string[];
  readonly name?: string;
  readonly detach?: boolean;
  /** False with `--no-tui`. */
  readonly tui?: boolean;
  readonly json?: boolean;
  /** Every `--profile`. */
  readonly profile?: readonly string[];
  /** With `-d`: seconds to wait for every service to be up. */
  readonly timeout?: string;
  /** False with `--no-watch`. */
  readonly watch?: boolean;
  /** `--dry-run`: print the ports it would get; lease and start nothing. */
  readonly dryRun?: boolean;
}

export async function run(services: readonly string[], options: UpOptions): Promise<number> {
  if (options.dryRun) {
    const { runDryRun } = await import('../up/run-dry-run.js');
    return runDryRun(services, { ...options, json: !!options.json });
  }
  // Each loads what it needs: `up -d` itself loads neither the config loader nor the supervisor
  // (its background child does), so it starts fast.
  if (options.detach) {
    const { runDetached } = await import('../up/run-detached.js');
    return runDetached(services, { ...options, json: !!options.json });
  }
  const { runForeground } = await import('../up/run-up.js');
  return runForeground(services, { ...options, tui: options.tui !== false, json: !!options.json });
}
