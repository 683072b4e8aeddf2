/**
 * `styxy stop SERVICE [--timeout S] [--yes] [--json]`: stops one service of this folder's running
 * stack through its control socket (as the UI's `s` does); the stack and the service's ports stay,
 * and `styxy start SERVICE` starts it again. A shared service is stopped in its instance only with
 * `--yes` (it stops for every stack using it: the output names them).
 */
import { type RestartOptions, serviceAction } from './restart.js';

export function run(service: string, options: RestartOptions): Promise<number> {
  return serviceAction('stop', service, options);
}
