/** What a key asks the UI to do (keymap.ts maps keys to these; ui-state.ts carries them out). */
import type { Direction } from './search.js';

export type UiCommand =
  | { readonly type: 'select'; readonly delta: number }
  | { readonly type: 'focus' }
  | { readonly type: 'all' }
  | { readonly type: 'scroll-lines'; readonly delta: number }
  | { readonly type: 'scroll-pages'; readonly delta: number }
  | { readonly type: 'top' }
  | { readonly type: 'bottom' }
  | { readonly type: 'pan'; readonly delta: number }
  | { readonly type: 'search-open' }
  | { readonly type: 'search-type'; readonly text: string }
  | { readonly type: 'search-erase' }
  | { readonly type: 'search-submit' }
  | { readonly type: 'search-cancel' }
  | { readonly type: 'search-next'; readonly direction: Direction }
  | { readonly type: 'restart' }
  | { readonly type: 'toggle' }
  | { readonly type: 'quit' }
  | { readonly type: 'interrupt' }
  | { readonly type: 'stop-stack' }
  | { readonly type: 'confirm'; readonly yes: boolean }
  | { readonly type: 'help' }
  | { readonly type: 'close' }
  /** Input mode (input-keys.ts): enter it on the selected service, leave it, type. */
  | { readonly type: 'input-enter' }
  | { readonly type: 'input-leave' }
  /** Keystrokes for a terminal, sent as they come. */
  | { readonly type: 'input-keys'; readonly data: string }
  /** A piped service's line, edited here and sent on enter. */
  | { readonly type: 'input-type'; readonly text: string }
  | { readonly type: 'input-erase' }
  | { readonly type: 'input-send' }
  /** One of Styxy's own lifecycle notes from the caller (a signal, the coordinator lost). */
  | { readonly type: 'notice'; readonly text: string; readonly tone: 'info' | 'error' };

/** Side effects the UI performs after a command: values, so the state logic stays pure. */
export type UiEffect =
  | { readonly type: 'restart' | 'stop' | 'start'; readonly service: string }
  /** `signal`: the stop answers Ctrl-C (SIGINT), not a request (q). */
  | { readonly type: 'stop-stack'; readonly force: boolean; readonly signal?: 'SIGINT' }
  | { readonly type: 'detach' }
  | { readonly type: 'input'; readonly service: string; readonly data: string };
