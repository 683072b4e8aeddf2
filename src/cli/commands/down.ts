/**
 * `styxy down [--name N] [--all] [--force] [--timeout S] [--json]`: stops this folder's stack (or
 * every stack of this user, foreground ones included) and returns once its processes are gone
 * and its ports released (stack/stop-stack.ts). Nothing running is no error: `down` is safe to
 * run twice. Exit 1 when a stack could not be stopped.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import { locateConfig } from '../../config/locate.js';
import { findPortHolders } from '../../os/port-holder.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { stackId } from '../../protocol/stack-id.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { secondsOption } from '../seconds-option.js';
import type { CurrentStackOptions } from '../stack/current-stack.js';
import { stackTitle } from '../stack/stack-control.js';
import { stackNameOption } from '../stack/stack-name.js';
import { type StoppedStack, stopStacks } from '../stack/stop-stack.js';

export interface DownOptions extends CurrentStackOptions {
  readonly all?: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
  /** Seconds for a graceful stop before the supervisor is killed. */
  readonly timeout?: string;
}

export const DEFAULT_DOWN_TIMEOUT_S = 60;

export async function run(options: DownOptions): Promise<number> {
  const timeoutMs = secondsOption(options.timeout, DEFAULT_DOWN_TIMEOUT_S);
  const say = (text: string) => process.stderr.write(`styxy: ${text}\n`);
  const stacks = await downTargets(options);
  if (stacks.length === 0) {
    if (options.json) printJson({ stacks: [] });
    else say(options.all ? 'no running stacks; nothing to stop' : `${nothingHere(options)}; nothing to stop`);
    return EXIT.ok;
  }
  if (!options.json) for (const stack of stacks) say(`stopping ${stackTitle(stack)} (pid ${stack.pid})`);
  // Shared instances last (`--all`): the stacks using them stop first, and never see them go.
  const stopped = await stopStacks(stacks, { force: !!options.force, timeoutMs, say });
  const results = await withListeners(stopped);
  const kept = options.all ? [] : keptShared(stacks, await runningStacks());
  if (options.json) printJson({ stacks: results, ...(kept.length > 0 ? { sharedKept: kept } : {}) });
  else {
    process.stdout.write(results.map(describe).join(''));
    for (const { service, users } of kept) {
      say(`${service} (shared) kept for ${users} other ${users === 1 ? 'stack' : 'stacks'}`);
    }
  }
  return results.every((result) => result.stopped) ? EXIT.ok : EXIT.failure;
}

/** The shared services the stopped stacks used that other stacks still use (they keep running). */
function keptShared(stopped: readonly StackInfo[], all: readonly StackInfo[]): { service: string; users: number }[] {
  const gone = new Set(stopped.map((stack) => stack.id));
  const kept: { service: string; users: number }[] = [];
  for (const use of stopped.flatMap((stack) => stack.uses ?? [])) {
    const users = all.filter((stack) => !gone.has(stack.id) && stack.uses?.some((other) => other.key === use.key));
    if (users.length > 0 && !kept.some((entry) => entry.service === use.service)) {
      kept.push({ service: use.service, users: users.length });
    }
  }
  return kept;
}

/** The stacks `down` stops: this folder's (by `-c` and `--name`), or every one with `--all`. */
export async function downTargets(options: DownOptions): Promise<readonly StackInfo[]> {
  if (options.all) return runningStacks();
  const { root } = locateConfig({ cwd: process.cwd(), file: options.config });
  return runningStacks(undefined, stackId(root, stackNameOption(options.name)));
}

function nothingHere(options: DownOptions): string {
  const { root } = locateConfig({ cwd: process.cwd(), file: options.config });
  const name = stackNameOption(options.name);
  return `no stack${name === 'default' ? '' : ` named "${name}"`} of ${root} is running`;
}

interface Listener {
  readonly port: number;
  readonly pid: number | null;
  readonly command: string | null;
}

/**
 * A port something still listens on is not "freed", whatever the lease says: it moves from
 * `ports` to `stillHeld` (pid and command, as `styxy check` finds them). One look at the OS for
 * every stack's ports, after all of them stopped.
 */
async function withListeners(stopped: readonly StoppedStack[]): Promise<(StoppedStack & { stillHeld?: Listener[] })[]> {
  const holders = await findPortHolders(stopped.flatMap((result) => result.ports)).catch(() => new Map());
  return stopped.map((result) => {
    const held: Listener[] = result.ports.flatMap((port) => {
      const holder = holders.get(port);
      return holder ? [{ port, pid: holder.pid, command: holder.command }] : [];
    });
    if (held.length === 0) return result;
    const ports = result.ports.filter((port) => !held.some((listener) => listener.port === port));
    return { ...result, ports, stillHeld: held };
  });
}

function describe(result: StoppedStack & { stillHeld?: Listener[] }): string {
  const title = `${result.project}/${result.name}`;
  if (!result.stopped) return `could not stop ${title} (pid ${result.pid}): ${result.problem}\n`;
  const ports =
    result.ports.length === 0
      ? ''
      : `; freed ${result.ports.length === 1 ? 'port' : 'ports'} ${result.ports.join(', ')}`;
  const held = (result.stillHeld ?? [])
    .map(
      (listener) =>
        `; port ${listener.port} is still held by ${listener.pid === null ? 'another program' : `pid ${listener.pid}`}${listener.command ? ` (${listener.command})` : ''}`,
    )
    .join('');
  const how =
    result.how === 'control' ? '' : result.how === 'signal' ? ' (by a signal)' : ' (reaped by the coordinator)';
  return `stopped ${title}${how}${ports}${held}\n`;
}
