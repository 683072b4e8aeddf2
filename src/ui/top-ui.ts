/**
 * The entry point of `styxy top`'s list of stacks (as run-ui.ts is for one stack's UI): React's
 * production build first, then Ink, loaded on first use.
 */
import './production-react.js';
import type { StacksFeed, TopResult } from './components/StacksUi.js';

export type { StacksFeed, TopResult } from './components/StacksUi.js';
export type { TopSnapshot } from './model/top-table.js';

export interface TopUiOptions {
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  /** Shortens a project root for the FOLDER column. */
  readonly folder: (root: string) => string;
  /** The stack selected first. */
  readonly selectedId?: string;
  /** Shown in the bottom bar until the next key. */
  readonly notice?: string;
  /** The environment that decides colour (NO_COLOR, FORCE_COLOR). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface TopUiHandle {
  /** Settles once the list is gone and the terminal restored: quit, or the stack to open. */
  readonly done: Promise<TopResult>;
  unmount(): void;
}

export async function renderTopUi(feed: StacksFeed, options: TopUiOptions): Promise<TopUiHandle> {
  const { mountTopUi } = await import('./mount-top.js');
  return mountTopUi(feed, options);
}
