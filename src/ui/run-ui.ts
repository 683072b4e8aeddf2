/**
 * The entry point `up` and `attach` call: renders the live UI of a stack view in the terminal and
 * resolves when the user is done. Import the UI only through this module: it puts React's
 * production build in place first (production-react.ts), then loads Ink (about a second) on first
 * use, or earlier with `preloadStackUi()`.
 */
import './production-react.js';
import type { StackView } from '../supervisor/view.js';
import type { UiResult } from './components/StackUi.js';
import { NoticeChannel, type NoticeTone } from './notices.js';

export type { UiResult } from './components/StackUi.js';
export type { NoticeTone } from './notices.js';

type MountModule = typeof import('./mount.js');
let loading: Promise<MountModule> | null = null;
let loaded: MountModule | null = null;
const mountModule = () => {
  loading ??= import('./mount.js').then((module) => {
    loaded = module;
    return module;
  });
  return loading;
};

/** Loads Ink and the components now (e.g. while ports are being reserved), so the UI shows at once. */
export async function preloadStackUi(): Promise<void> {
  await mountModule();
}

export interface StackUiOptions {
  /** @default process.stdin */
  readonly stdin?: NodeJS.ReadStream;
  /** @default process.stdout */
  readonly stdout?: NodeJS.WriteStream;
  /**
   * `foreground`: q and Ctrl-C stop the stack (a second Ctrl-C forces), then the UI ends.
   * `attach`: q and Ctrl-C detach (the stack keeps running); X stops the stack after a y.
   */
  readonly mode: 'foreground' | 'attach';
  /** Shown in the header; defaults to the view's snapshot. */
  readonly coordinatorPid?: number | null;
  /** Mouse wheel scrolling. @default true when stdout is a terminal */
  readonly mouse?: boolean;
  /** The environment that decides colour (NO_COLOR, FORCE_COLOR). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface StackUiHandle {
  /**
   * Settles once the UI is gone and the terminal restored. Rejects with the error of the
   * stack's stopStack() when stopping it failed.
   */
  readonly done: Promise<UiResult>;
  /** Takes the UI down now (e.g. before the caller exits on a signal); `done` then resolves 'stopped'. */
  unmount(): void;
  /**
   * Shows one of Styxy's own notices in the bottom bar (a signal received, a connection lost):
   * a UI owns the screen, so nothing else may write to it. Notices sent before the UI is drawn
   * show once it is.
   */
  notice(text: string, tone?: NoticeTone): void;
}

export function renderStackUi(view: StackView, options: StackUiOptions): StackUiHandle {
  const notices = new NoticeChannel();
  const notice = (text: string, tone: NoticeTone = 'info') => notices.send({ text, tone });
  if (loaded) return { ...loaded.mountStackUi(view, options, notices), notice };
  let unmounted = false;
  let mounted: { unmount(): void } | null = null;
  const done = mountModule().then(({ mountStackUi }): Promise<UiResult> | UiResult => {
    if (unmounted) return 'stopped';
    const handle = mountStackUi(view, options, notices);
    mounted = handle;
    return handle.done;
  });
  return {
    done,
    unmount() {
      unmounted = true;
      mounted?.unmount();
    },
    notice,
  };
}
