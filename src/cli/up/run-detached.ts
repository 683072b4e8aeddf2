/**
 * `styxy up -d [--json] [--timeout S]`: makes the stack run under a background supervisor
 * (detached.ts: a fresh start, or the stack that is starting or running already), tells its
 * progress on stderr, and once every service is up prints the port map (the `ps` table, or with
 * `--json` the `up -d --json` document) and exits 0, leaving the stack running. If it cannot
 * start (a service failed, `--timeout` ran out, a bad config), everything it started is stopped
 * and every port freed before the error is printed and `up` exits 1. Ctrl-C meanwhile stops a
 * start of its own the same way (exit 130); a wait for another's start just ends.
 */

import { constants } from 'node:os';
import { activeProfiles } from '../../config/select-services.js';
import { isStyxyError } from '../../protocol/errors.js';
import { DEFAULT_STACK_NAME } from '../../protocol/stack-id.js';
import { STOP_SIGNALS } from '../../supervisor/stop-signals.js';
import { printJson } from '../output.js';
import { renderError } from '../render-error.js';
import { secondsOption } from '../seconds-option.js';
import { formatPs } from '../stack/ps-table.js';
import { withSharedServices } from '../stack/shared-document.js';
import { stackNameOption } from '../stack/stack-name.js';
import { upDetached } from './detached.js';

export interface DetachedOptions {
  readonly config?: readonly string[];
  readonly name?: string;
  readonly json: boolean;
  /** Every `--profile`. */
  readonly profile?: readonly string[];
  /** `--timeout` in seconds, as typed. */
  readonly timeout?: string;
  /** False with `--no-watch`. */
  readonly watch?: boolean;
}

export const DEFAULT_TIMEOUT_S = 120;

export async function runDetached(names: readonly string[], options: DetachedOptions): Promise<number> {
  const stackName = stackNameOption(options.name);
  const timeoutMs = secondsOption(options.timeout, DEFAULT_TIMEOUT_S);
  const say = (text: string) => process.stderr.write(`${text}\n`);
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => abort.abort(signal);
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    const started = await upDetached({
      cwd: process.cwd(),
      ...(options.config === undefined ? {} : { config: options.config }),
      name: stackName,
      services: names,
      profiles: activeProfiles(options.profile),
      timeoutMs,
      watch: options.watch !== false,
      onProgress: say,
      signal: abort.signal,
    });
    const document = await withSharedServices(started);
    if (options.json) printJson(document);
    else process.stdout.write(formatPs(document));
    const copy = stackName === DEFAULT_STACK_NAME ? '' : ` --name ${stackName}`;
    const how = document.reused ? 'was running already; it runs' : 'runs';
    say(
      `styxy: ${document.stack.project}/${stackName} ${how} in the background (pid ${document.stack.pid}): ` +
        `\`styxy logs${copy}\`, \`styxy attach${copy}\`, \`styxy down${copy}\``,
    );
    return 0;
  } catch (error) {
    if (isStyxyError(error) && error.code === 'STYXY_INTERRUPTED') {
      const signal = String(error.details?.signal ?? 'SIGINT') as NodeJS.Signals;
      return 128 + (constants.signals[signal] ?? constants.signals.SIGINT);
    }
    return renderError(error);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
