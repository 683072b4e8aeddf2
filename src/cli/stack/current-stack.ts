/**
 * The running stack of the current folder (`ps`, `port`, `env`): the project root of the config
 * that `styxy up` would find (or `-c FILE`) and the stack name (`--name`) give its id, and the
 * coordinator says whether it runs. The config is only located, not loaded, so a config being
 * edited into something invalid does not hide the stack that runs.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import { locateConfig } from '../../config/locate.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { DEFAULT_STACK_NAME, stackId } from '../../protocol/stack-id.js';
import { withShared } from './shared-view.js';
import { stackNameOption } from './stack-name.js';

export interface CurrentStackOptions {
  /** `-c FILE`. */
  readonly config?: readonly string[];
  /** `--name N`. */
  readonly name?: string;
}

export async function currentStack(options: CurrentStackOptions, cwd: string = process.cwd()): Promise<StackInfo> {
  const name = stackNameOption(options.name);
  const { root } = locateConfig({ cwd, file: options.config });
  const id = stackId(root, name);
  const [found] = await runningStacks(undefined, id);
  // A stack using shared services shows them too (shared-view.ts).
  if (found) return found.uses?.length || found.shared ? withShared(found, await runningStacks()) : found;
  const others = (await runningStacks()).filter((stack) => stack.root === root).map((stack) => stack.name);
  throw stackNotFound(root, name, others);
}

export function stackNotFound(root: string, name: string, othersHere: readonly string[]): StyxyError {
  const which = name === DEFAULT_STACK_NAME ? '' : ` named "${name}"`;
  const start = `start it with \`styxy up${name === DEFAULT_STACK_NAME ? '' : ` --name ${name}`}\``;
  // The default stack first, then by name: the same hint however the stacks were started.
  const sorted = [...othersHere].sort((a, b) =>
    a === DEFAULT_STACK_NAME ? -1 : b === DEFAULT_STACK_NAME ? 1 : a.localeCompare(b),
  );
  const running = sorted.map((other) => (other === DEFAULT_STACK_NAME ? 'the default one' : `--name ${other}`));
  return new StyxyError('STYXY_STACK_NOT_FOUND', `no stack${which} of ${root} is running`, {
    hint: running.length > 0 ? `running here: ${running.join(', ')}; or ${start}` : start,
    details: { root, name, running: othersHere },
  });
}
