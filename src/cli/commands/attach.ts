/**
 * `styxy attach [--name N]`: the live UI of this folder's running stack (background or another
 * terminal's foreground one), fed over its control socket (supervisor/control/remote-view.ts).
 * `q` or Ctrl-C detaches and leaves the stack running; `X` (then `y`) stops it. Exit 0 after a
 * detach or when the stack stopped, 1 when its supervisor went away without a word.
 */
import { constants } from 'node:os';
import { StyxyError } from '../../protocol/errors.js';
import { openRemoteView } from '../../supervisor/control/remote-view.js';
import { STOP_SIGNALS } from '../../supervisor/stop-signals.js';
import { preloadStackUi, renderStackUi } from '../../ui/run-ui.js';
import { EXIT } from '../exit-codes.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { connectStack, stackTitle } from '../stack/stack-control.js';

export async function run(options: CurrentStackOptions): Promise<number> {
  if (process.stdout.isTTY !== true) {
    throw new StyxyError('STYXY_USAGE', '`styxy attach` shows a live UI and needs a terminal', {
      hint: 'without one, `styxy ps` shows the services and `styxy logs -f` follows their output',
    });
  }
  const stack = await currentStack(options);
  const loading = preloadStackUi(); // Ink loads while we connect
  loading.catch(() => {}); // (awaited below; not unhandled if connecting fails first)
  const client = await connectStack(stack);
  const say = (text: string) => process.stderr.write(`styxy: ${text}\n`);
  try {
    const view = await openRemoteView(client);
    await loading;
    const handle = renderStackUi(view, { mode: 'attach' });
    // SIGTERM or SIGHUP (the terminal closed) take the UI down; the stack is not ours to stop.
    let signalled: NodeJS.Signals | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      signalled ??= signal;
      handle.unmount();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    try {
      const result = await handle.done;
      if (signalled !== null) return 128 + (constants.signals[signalled] ?? constants.signals.SIGTERM);
      if (result === 'detach') {
        say(`detached; ${stackTitle(stack)} keeps running (\`styxy attach\` to come back, \`styxy down\` to stop it)`);
        return EXIT.ok;
      }
      if (view.lost) {
        say(`lost ${stackTitle(stack)}: its supervisor (pid ${stack.pid}) went away`);
        return EXIT.failure;
      }
      say(`${stackTitle(stack)} has stopped`);
      return EXIT.ok;
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
  } finally {
    client.close();
  }
}
