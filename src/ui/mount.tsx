/**
 * Mounts the UI with Ink (loaded by run-ui.ts once React's production build is in place). Full
 * screen (the alternate screen, as htop or vim), so the shell's scrollback is left as it was;
 * Ink's own Ctrl-C exit is off (the UI stops the stack first). Ink restores the terminal (cursor, raw mode, screen) on unmount, and also when the
 * process exits any other way (it hooks exit and signals).
 */
import { render } from 'ink';
import type { StackView } from '../supervisor/view.js';
import { StackUi, type UiResult } from './components/StackUi.js';
import { REDRAW_INTERVAL_MS } from './hooks/use-stack-view.js';
import type { NoticeSource } from './notices.js';
import { colorEnabled } from './plain-colors.js';
import type { StackUiHandle, StackUiOptions } from './run-ui.js';

export function mountStackUi(
  view: StackView,
  options: StackUiOptions,
  notices?: NoticeSource,
): Omit<StackUiHandle, 'notice'> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  let outcome: { result: UiResult; error?: unknown } | null = null;
  const instance = render(
    <StackUi
      view={view}
      mode={options.mode}
      coordinatorPid={options.coordinatorPid}
      mouse={options.mouse ?? Boolean(stdout.isTTY)}
      colour={colorEnabled(stdout, options.env ?? process.env)}
      notices={notices}
      onExit={(result, error) => {
        outcome ??= { result, error };
        // Let the frame that shows the outcome commit before tearing down.
        setImmediate(() => instance.unmount());
      }}
    />,
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      // Ink turns itself non-interactive under CI=true (final frame only); the caller has
      // already decided that this is a terminal, so believe stdout.
      interactive: stdout.isTTY === true,
      // Console output from elsewhere would tear a full-screen frame either way; Ink's patch
      // only adds cost. Nothing of ours logs while the UI is up.
      patchConsole: false,
      maxFps: 1000 / REDRAW_INTERVAL_MS,
      alternateScreen: true,
      incrementalRendering: true,
    },
  );
  const done = instance.waitUntilExit().then(() => {
    const { result, error } = outcome ?? { result: 'stopped' as const };
    if (error !== undefined) throw error;
    return result;
  });
  return { done, unmount: () => instance.unmount() };
}
