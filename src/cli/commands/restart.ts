/**
 * `styxy restart SERVICE [--timeout S] [--yes] [--json]`: restarts one service of this folder's
 * running stack (foreground or background) through its control socket, keeping its ports, and
 * waits until it is up again. Exit 1 with why (and its last lines) when it does not come back.
 * A shared service is restarted in its instance only with `--yes` (it restarts for every stack
 * using it: the output names them); `start` of one needs no `--yes`.
 */
import { portsSuffix } from '../../supervisor/lifecycle-text.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { secondsOption } from '../seconds-option.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { snapshotDocument } from '../stack/ps-document.js';
import { ACTION_PAST, restartService, type ServiceAction, sharedNote } from '../stack/restart-service.js';

export interface RestartOptions extends CurrentStackOptions {
  readonly timeout?: string;
  readonly json?: boolean;
  /** `--yes`: a shared service is restarted in its instance, for every stack using it. */
  readonly yes?: boolean;
}

export function run(service: string, options: RestartOptions): Promise<number> {
  return serviceAction('restart', service, options);
}

/** `restart`, `start` and `stop` (commands/start.ts, stop.ts): the same call and output but for the verb. */
export async function serviceAction(action: ServiceAction, service: string, options: RestartOptions): Promise<number> {
  const timeoutMs = secondsOption(options.timeout, 120);
  const stack = await currentStack(options);
  const before = stack.services.find((s) => s.name === service);
  const verb = { restart: 'restarting', start: 'starting', stop: 'stopping' }[action];
  // (a shared service without --yes is refused: no "restarting" first)
  const refused = before?.shared === true && action !== 'start' && options.yes !== true;
  if (!options.json && !refused)
    process.stderr.write(`styxy: ${verb} ${service}${before?.pid ? ` (pid ${before.pid})` : ''}\n`);
  const { snapshot, shared } = await restartService(stack, service, {
    timeoutMs,
    action,
    shared: options.yes === true,
  });
  if (shared && !options.json) process.stderr.write(`styxy: ${sharedNote(service, action, shared)}\n`);
  if (options.json) {
    printJson(snapshotDocument(snapshot));
    return EXIT.ok;
  }
  const now = snapshot.services.find((s) => s.name === service);
  const ports = now ? portsSuffix(now.ports) : '';
  process.stdout.write(`${service} ${now?.status ?? ACTION_PAST[action]}${ports} (pid ${now?.pid ?? '-'})\n`);
  return EXIT.ok;
}
