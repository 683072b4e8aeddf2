/**
 * `styxy top` (also `styxy attach --all`): one live list of every stack of this user — folder,
 * stack, status, pid, ports, shared services. Enter opens the selected stack's own UI (the one
 * `styxy attach` shows); leaving it (`q`) comes back to the list; `q` there quits.
 */
import { constants } from 'node:os';
import { isStyxyError } from '../../protocol/errors.js';
import { renderTopUi } from '../../ui/top-ui.js';
import { EXIT } from '../exit-codes.js';
import { attachStack } from '../stack/attach-stack.js';
import { shortFolder } from '../stack/short-folder.js';
import { pollStacks } from '../top/stacks-feed.js';
import { assertTerminal } from './attach.js';

export async function run(): Promise<number> {
  assertTerminal('`styxy top`');
  let selectedId: string | undefined;
  let notice: string | undefined;
  for (;;) {
    const feed = pollStacks();
    let result: Awaited<Awaited<ReturnType<typeof renderTopUi>>['done']>;
    try {
      await feed.ready;
      const handle = await renderTopUi(feed, {
        folder: (root) => shortFolder(root),
        ...(selectedId === undefined ? {} : { selectedId }),
        ...(notice === undefined ? {} : { notice }),
      });
      notice = undefined;
      result = await handle.done;
    } finally {
      feed.close();
    }
    if (result.kind === 'quit') return EXIT.ok;
    selectedId = result.stackId;
    const stack = feed.current().stacks.find((s) => s.id === result.stackId);
    if (!stack) {
      notice = 'that stack has stopped';
      continue;
    }
    const outcome = await attachStack(stack).catch((error: unknown) => {
      // A stack that cannot be reached (starting, stuck): the list says why.
      if (!isStyxyError(error)) throw error;
      notice = error.message;
      return { kind: 'stopped' as const };
    });
    if (outcome.kind === 'lost') notice = `lost ${stack.project}/${stack.name}: its supervisor went away`;
    if (outcome.kind === 'signal') return 128 + (constants.signals[outcome.signal] ?? constants.signals.SIGTERM);
  }
}
