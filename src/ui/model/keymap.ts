/**
 * Keys → commands, and the key list the help overlay and the bottom bar show (one list, so they
 * cannot disagree; docs/commands.md lists the same keys in a table).
 */
import type { Key } from 'ink';
import type { UiCommand } from './commands.js';
import { inputCommand } from './input-keys.js';
import type { UiMode, UiState } from './ui-state.js';

export interface KeyHelp {
  readonly keys: string;
  readonly does: string;
  /** Only in this mode (both when absent). */
  readonly mode?: UiMode;
}

export const KEY_HELP: readonly KeyHelp[] = [
  { keys: '↑ ↓  k j', does: 'select a service' },
  { keys: 'enter  l', does: "show the selected service's logs only" },
  { keys: 'a', does: 'show the logs of all services' },
  { keys: 'PgUp PgDn  wheel', does: 'scroll the logs (stops following)' },
  { keys: 'g  G  Home End', does: 'jump to the oldest line / the end (follows again)' },
  { keys: '← →', does: 'scroll long lines sideways' },
  { keys: '/', does: 'search the logs (enter: go to the newest match)' },
  { keys: 'n  N', does: 'next older / newer match' },
  { keys: 'esc', does: 'clear the search, close this help' },
  { keys: 'r', does: 'restart the selected service (same ports; a shared one asks first)' },
  { keys: 's', does: 'stop / start the selected service (stopping a shared one asks first)' },
  { keys: 'i', does: 'type into the selected service (esc: back to the keys)' },
  { keys: 'q', does: 'stop the stack and quit', mode: 'foreground' },
  { keys: 'ctrl-c', does: 'stop the stack and quit; again: force', mode: 'foreground' },
  { keys: 'q  ctrl-c', does: 'detach: leave the UI, the stack keeps running', mode: 'attach' },
  { keys: 'X', does: 'stop the whole stack (asks first)', mode: 'attach' },
  { keys: '?', does: 'this help' },
];

/** The bottom bar: the main keys, most important first (cut from the end when narrow). */
export function barKeys(mode: UiMode): readonly (readonly [string, string])[] {
  return [
    ['↑↓', 'select'],
    ['enter', 'logs'],
    ['a', 'all'],
    ['r', 'restart'],
    ['s', 'stop/start'],
    ['i', 'input'],
    ['/', 'search'],
    ...(mode === 'attach'
      ? ([
          ['q', 'detach'],
          ['X', 'stop stack'],
        ] as const)
      : ([['q', 'quit']] as const)),
    ['?', 'help'],
  ];
}

type KeyState = Pick<UiState, 'overlay' | 'search'> & Partial<Pick<UiState, 'input'>>;

export function commandFor(input: string, key: Key, state: KeyState, mode: UiMode): UiCommand | null {
  // Typing into a service: every key is the service's (ctrl-c included, for a terminal) but esc.
  if (state.input) return inputCommand(input, key, state.input.kind);
  if (key.ctrl && input === 'c') return { type: 'interrupt' };
  if (state.overlay === 'help') {
    return key.escape || input === '?' || input === 'q' ? { type: 'close' } : null;
  }
  if (state.overlay === 'confirm-stop' || state.overlay === 'confirm-shared') {
    return { type: 'confirm', yes: input === 'y' || input === 'Y' };
  }
  if (state.search?.editing) {
    if (key.return) return { type: 'search-submit' };
    if (key.escape) return { type: 'search-cancel' };
    if (key.backspace || key.delete) return { type: 'search-erase' };
    if (key.ctrl || key.meta || input === '' || /[\u0000-\u001f\u007f]/.test(input)) return null;
    return { type: 'search-type', text: input };
  }
  if (key.upArrow) return { type: 'select', delta: -1 };
  if (key.downArrow) return { type: 'select', delta: 1 };
  if (key.leftArrow) return { type: 'pan', delta: -1 };
  if (key.rightArrow) return { type: 'pan', delta: 1 };
  if (key.pageUp) return { type: 'scroll-pages', delta: -1 };
  if (key.pageDown) return { type: 'scroll-pages', delta: 1 };
  if (key.home) return { type: 'top' };
  if (key.end) return { type: 'bottom' };
  if (key.return) return { type: 'focus' };
  if (key.escape) return { type: 'close' };
  if (key.ctrl || key.meta) return null;
  switch (input) {
    case 'k':
      return { type: 'select', delta: -1 };
    case 'j':
      return { type: 'select', delta: 1 };
    case 'l':
      return { type: 'focus' };
    case 'a':
      return { type: 'all' };
    case 'g':
      return { type: 'top' };
    case 'G':
      return { type: 'bottom' };
    case '/':
      return { type: 'search-open' };
    case 'n':
      return { type: 'search-next', direction: 'older' };
    case 'N':
      return { type: 'search-next', direction: 'newer' };
    case 'r':
      return { type: 'restart' };
    case 'i':
      return { type: 'input-enter' };
    case 's':
      return { type: 'toggle' };
    case 'q':
      return { type: 'quit' };
    case 'X':
      return mode === 'attach' ? { type: 'stop-stack' } : null;
    case '?':
      return { type: 'help' };
    default:
      return null;
  }
}
