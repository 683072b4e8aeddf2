/**
 * `styxy ps [--json] [--all]`: the services of this folder's running stack (or of every running
 * stack): status, ports, pid, uptime, restarts. Starts no coordinator and loads no UI.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { type PsDocument, psDocument } from '../stack/ps-document.js';
import { formatPs } from '../stack/ps-table.js';
import { withShared } from '../stack/shared-view.js';

export interface PsOptions extends CurrentStackOptions {
  readonly all?: boolean;
  readonly json?: boolean;
}

export async function run(options: PsOptions): Promise<number> {
  const now = Date.now();
  const document = (stack: StackInfo): PsDocument => psDocument(stack, stack.services, now);
  if (options.all) {
    const all = await runningStacks();
    const stacks = all.map((stack) => document(withShared(stack, all)));
    if (options.json) printJson({ stacks });
    else if (stacks.length === 0) process.stdout.write('no running stacks\n');
    else process.stdout.write(stacks.map((stack) => formatPs(stack, now)).join('\n'));
    return EXIT.ok;
  }
  const stack = document(await currentStack(options));
  if (options.json) printJson(stack);
  else process.stdout.write(formatPs(stack, now));
  return EXIT.ok;
}
