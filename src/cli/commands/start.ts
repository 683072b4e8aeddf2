/**
 * `styxy start SERVICE [--timeout S] [--json]`: starts one service of this folder's running stack
 * (foreground or background) through its control socket — an `off` one (outside the active
 * profiles) with the off services it needs, their ports leased then; a stopped one on its ports —
 * and waits until it is up. Exit 1 with why (and its last lines) when it does not come up.
 */
import { type RestartOptions, serviceAction } from './restart.js';

export function run(service: string, options: RestartOptions): Promise<number> {
  return serviceAction('start', service, options);
}
