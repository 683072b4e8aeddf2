/**
 * `styxy attach [--name N]`: the live UI of this folder's running stack (background or another
 * terminal's foreground one), fed over its control socket (stack/attach-stack.ts). `q` or Ctrl-C
 * detaches and leaves the stack running; `X` (then `y`) stops it. Exit 0 after a detach or when
 * the stack stopped, 1 when its supervisor went away without a word. `--all` is `styxy top`.
 */
import { constants } from 'node:os';
import { StyxyError } from '../../protocol/errors.js';
import { EXIT } from '../exit-codes.js';
import { attachStack } from '../stack/attach-stack.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { stackTitle } from '../stack/stack-control.js';

export interface AttachOptions extends CurrentStackOptions {
  readonly all?: boolean;
}

export async function run(options: AttachOptions): Promise<number> {
  if (options.all) return (await import('./top.js')).run();
  assertTerminal('`styxy attach`');
  const stack = await currentStack(options);
  const say = (text: string) => process.stderr.write(`styxy: ${text}\n`);
  const outcome = await attachStack(stack);
  switch (outcome.kind) {
    case 'signal':
      return 128 + (constants.signals[outcome.signal] ?? constants.signals.SIGTERM);
    case 'detach':
      say(`detached; ${stackTitle(stack)} keeps running (\`styxy attach\` to come back, \`styxy down\` to stop it)`);
      return EXIT.ok;
    case 'lost':
      say(`lost ${stackTitle(stack)}: its supervisor (pid ${stack.pid}) went away`);
      return EXIT.failure;
    case 'stopped':
      say(`${stackTitle(stack)} has stopped`);
      return EXIT.ok;
  }
}

/** A live UI needs a terminal: without one, say what to use instead (exit 2). */
export function assertTerminal(command: string): void {
  if (process.stdout.isTTY !== true) {
    throw new StyxyError('STYXY_USAGE', `${command} shows a live UI and needs a terminal`, {
      hint: 'without one, `styxy ps` shows the services and `styxy logs -f` follows their output',
    });
  }
}
