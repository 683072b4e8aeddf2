/**
 * The live UI as `styxy up`'s renderer. choose-renderer.ts imports this module only for a
 * terminal, so plain runs never load React.
 *
 * The UI takes the screen once the stack starts its services (its first event, which follows the
 * port reservation): a stack refused before that (already running, a port taken) never flashes a
 * full-screen UI, and its error prints as in plain mode. Until then Styxy's notices go to stderr
 * (they stay in the shell's scrollback); while the UI is up, to its bottom bar, never over it.
 * `close()` takes the UI down and restores the terminal, so that what must outlive the screen (a
 * failed service, printed by run-up.ts) lands on the shell's screen.
 */
import type { StackView } from '../../supervisor/view.js';
import { preloadStackUi, renderStackUi, type StackUiHandle } from '../../ui/run-ui.js';
import type { Renderer } from './choose-renderer.js';

/** Loads Ink now (about half a second), e.g. while the config loads and ports are reserved. */
export const preloadTui: () => Promise<void> = preloadStackUi;

export interface TuiRendererOptions {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WritableStream;
}

export function createTuiRenderer(view: StackView, options: TuiRendererOptions): Renderer {
  let ui: StackUiHandle | null = null;
  let uiError: unknown = null;
  let closed = false;

  function show(): void {
    if (ui || closed) return;
    // A terminal that closes (SIGHUP) fails reads with EIO: the stack must still be stopped
    // gracefully (the signal handler does it), so that must not crash the process. The
    // listener stays after close: a read can still fail while the process winds down.
    options.stdin.on('error', () => {});
    const shown = renderStackUi(view, { mode: 'foreground', stdin: options.stdin, stdout: options.stdout });
    ui = shown;
    shown.done.then(
      () => stopIfRunning(),
      (error: unknown) => {
        uiError = error;
        stopIfRunning();
      },
    );
  }

  // The UI ends on its own only once the stack has stopped, or when it broke (an error while
  // rendering): a foreground stack must never run on without its screen.
  function stopIfRunning(): void {
    if (!closed && view.getSnapshot().phase !== 'stopped') view.actions.stopStack().catch(() => {});
  }

  // Not from inside the event: that is the supervisor's dispatch, and mounting renders at once.
  const unsubscribe = view.subscribe(() => {
    unsubscribe();
    setImmediate(show);
  });

  return {
    notice(text, tone) {
      if (ui) ui.notice(text, tone);
      else if (!closed) options.stderr.write(`styxy: ${text}\n`);
    },
    async flush() {
      // Nothing to wait for: close() draws the last frame as the UI leaves. (A stack that
      // failed ends in phase `failed`, which looks like "failed, still stopping", so the UI
      // does not leave by itself then; `up` closes it once the stack is done.)
    },
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      ui?.unmount(); // synchronous: the terminal is restored when this returns
      if (uiError !== null) {
        const text = uiError instanceof Error ? (uiError.stack ?? uiError.message) : String(uiError);
        options.stderr.write(`styxy: the terminal UI failed: ${text}\n`);
      }
    },
  };
}
