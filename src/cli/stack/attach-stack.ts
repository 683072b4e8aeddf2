/**
 * The live UI of a running stack, fed over its control socket (supervisor/control/remote-view.ts):
 * for `styxy attach` and for a stack opened from `styxy top`. Resolves when the UI is gone: the
 * user detached, the stack stopped, its supervisor went away, or a signal took the UI down.
 */
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { openRemoteView } from '../../supervisor/control/remote-view.js';
import { STOP_SIGNALS } from '../../supervisor/stop-signals.js';
import { preloadStackUi, renderStackUi } from '../../ui/run-ui.js';
import { connectStack } from './stack-control.js';

export type AttachOutcome =
  | { readonly kind: 'detach' | 'stopped' | 'lost' }
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals };

export async function attachStack(stack: StackInfo): Promise<AttachOutcome> {
  const loading = preloadStackUi(); // Ink loads while we connect
  loading.catch(() => {}); // (awaited below; not unhandled if connecting fails first)
  const client = await connectStack(stack);
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
      if (signalled !== null) return { kind: 'signal', signal: signalled };
      if (result === 'detach') return { kind: 'detach' };
      return { kind: view.lost ? 'lost' : 'stopped' };
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
  } finally {
    client.close();
  }
}
