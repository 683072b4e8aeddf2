/**
 * `styxy env [SERVICE] [--json]`: the environment Styxy injects into the services of this
 * folder's running stack, as `KEY=value` lines (every service, grouped under `# service` lines,
 * when none is named), or one JSON object.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import { loadProjectConfig } from '../../config/load.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { sharedInstances } from '../stack/shared-view.js';
import { formatEnv, stackEnv } from '../stack/stack-env.js';

export interface EnvOptions extends CurrentStackOptions {
  readonly json?: boolean;
}

export async function run(service: string | undefined, options: EnvOptions): Promise<number> {
  const stack = await currentStack(options);
  const config = await loadProjectConfig({ cwd: process.cwd(), file: options.config });
  // A shared service it uses runs in its instance's stack, with that stack's names and ports.
  const instances = stack.uses?.length ? sharedInstances(stack, await runningStacks()) : new Map();
  const envs = stackEnv(stack, config, service, instances);
  if (options.json) printJson(service === undefined ? Object.fromEntries(envs) : (envs.get(service) ?? {}));
  else process.stdout.write(formatEnv(envs, service === undefined));
  return EXIT.ok;
}
