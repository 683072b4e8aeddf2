/**
 * The live UI of a running stack, fed over its control socket (supervisor/control/remote-view.ts):
 * for `styxy attach` and for a stack opened from `styxy top`. Resolves when the UI is gone: the
 * user detached, the stack stopped, its supervisor went away, or a signal took the UI down.
 */
import { connectCoordinator } from '../../client/coordinator-client.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { openRemoteView, type RemoteView } from '../../supervisor/control/remote-view.js';
import { STOP_SIGNALS } from '../../supervisor/stop-signals.js';
import { preloadStackUi, renderStackUi } from '../../ui/run-ui.js';
import { withSharedRows } from './shared-rows.js';
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
    const shown = await withSharedServices(view, stack);
    await loading;
    const handle = renderStackUi(shown?.view ?? view, { mode: 'attach' });
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
      shown?.close();
    }
  } finally {
    client.close();
  }
}

/**
 * A stack that uses shared services (or is one's instance) shows them with their users
 * (shared-rows.ts), over a coordinator connection kept for the UI's time; without a coordinator
 * to ask, the stack's own view.
 */
async function withSharedServices(view: RemoteView, stack: StackInfo) {
  if (!stack.uses?.length && !stack.shared) return null;
  const coordinator = await connectCoordinator({ kind: 'cli', autoStart: false, timeoutMs: 3000 }).catch(() => null);
  if (!coordinator) return null;
  const shown = withSharedRows(view, {
    stackId: stack.id,
    shared: (stack.uses ?? []).map((use) => use.service),
    listStacks: () => coordinator.listStacks(),
  });
  return {
    view: shown,
    close() {
      shown.close();
      void coordinator.close().catch(() => {});
    },
  };
}
