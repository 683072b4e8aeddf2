/** Mounts `styxy top`'s list with Ink (loaded by top-ui.ts), full screen as the stack's own UI. */
import { render } from 'ink';
import { type StacksFeed, StacksUi, type TopResult } from './components/StacksUi.js';
import { colorEnabled } from './plain-colors.js';
import type { TopUiHandle, TopUiOptions } from './top-ui.js';

export function mountTopUi(feed: StacksFeed, options: TopUiOptions): TopUiHandle {
  const stdout = options.stdout ?? process.stdout;
  let outcome: TopResult = { kind: 'quit' };
  const instance = render(
    <StacksUi
      feed={feed}
      folder={options.folder}
      {...(options.selectedId === undefined ? {} : { selectedId: options.selectedId })}
      {...(options.notice === undefined ? {} : { notice: options.notice })}
      colour={colorEnabled(stdout, options.env ?? process.env)}
      onExit={(result) => {
        outcome = result;
        setImmediate(() => instance.unmount());
      }}
    />,
    {
      stdout,
      stdin: options.stdin ?? process.stdin,
      exitOnCtrlC: false,
      interactive: stdout.isTTY === true,
      patchConsole: false,
      alternateScreen: true,
    },
  );
  return { done: instance.waitUntilExit().then(() => outcome), unmount: () => instance.unmount() };
}
