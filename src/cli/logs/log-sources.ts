/**
 * Whose logs `styxy logs` (and the MCP `logs` tool) reads: this folder's stack (by `-c` and
 * `--name`), its log folder, the services that have logs or run, and those to show. Errors name
 * a stack that never ran and a service without logs.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import { locateConfig } from '../../config/locate.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { stackDir, styxyHome } from '../../protocol/home.js';
import { DEFAULT_STACK_NAME, stackId } from '../../protocol/stack-id.js';
import type { CurrentStackOptions } from '../stack/current-stack.js';
import { sharedInstances } from '../stack/shared-view.js';
import { stackNameOption } from '../stack/stack-name.js';
import { servicesWithLogs } from './stack-logs.js';

export interface LogSources {
  readonly root: string;
  readonly name: string;
  readonly dir: string;
  /** The stack, when it runs. */
  readonly running: StackInfo | null;
  /** Every service that runs or has logs. */
  readonly known: readonly string[];
  /** The one asked for, else all of them. */
  readonly shown: readonly string[];
  /**
   * The shared services among `shown` that run in an instance's stack (its log folder, its own
   * name for the service there): without a SERVICE, their lines are shown with the stack's.
   */
  readonly shared: ReadonlyMap<string, SharedLogs>;
}

export interface SharedLogs {
  readonly instance: StackInfo;
  readonly dir: string;
  /** The service's name in the instance's stack (its log file's name). */
  readonly service: string;
}

export async function logSources(
  service: string | undefined,
  options: CurrentStackOptions,
  cwd: string = process.cwd(),
): Promise<LogSources> {
  const name = stackNameOption(options.name);
  const { root } = locateConfig({ cwd, file: options.config });
  const id = stackId(root, name);
  const dir = stackDir(styxyHome(), id);
  const [running = null] = await runningStacks(undefined, id);
  // A shared service the stack uses: its logs are those of its instance's stack (shared-view.ts).
  const shared = new Map<string, SharedLogs>();
  if (running?.uses?.length) {
    for (const [as, instance] of sharedInstances(running, await runningStacks())) {
      shared.set(as, { instance, dir: stackDir(styxyHome(), instance.id), service: instance.shared!.service });
    }
  }
  const one = service === undefined ? undefined : shared.get(service);
  if (one) {
    const shown = [one.service];
    return { root, name, dir: one.dir, running: one.instance, known: shown, shown, shared: new Map() };
  }
  const own = [...new Set([...(running?.services.map((s) => s.name) ?? []), ...servicesWithLogs(dir)])];
  const known = [...[...shared.keys()].filter((as) => !own.includes(as)), ...own];
  if (known.length === 0) {
    const copy = name === DEFAULT_STACK_NAME ? '' : ` named "${name}"`;
    throw new StyxyError('STYXY_STACK_NOT_FOUND', `no logs of a stack${copy} of ${root}: it has not run yet`, {
      hint: `start it with \`styxy up -d${name === DEFAULT_STACK_NAME ? '' : ` --name ${name}`}\``,
      details: { root, name, dir },
    });
  }
  if (service !== undefined && !known.includes(service)) {
    throw new StyxyError('STYXY_UNKNOWN_SERVICE', `no logs of a service "${service}" in ${root}`, {
      hint: `services with logs: ${known.join(', ')}`,
      details: { service, known },
    });
  }
  if (service !== undefined) return { root, name, dir, running, known, shown: [service], shared: new Map() };
  return { root, name, dir, running, known, shown: known, shared };
}
