/**
 * Ink hands a chunk of typed text (fast typing, a paste, tmux send-keys) to useInput as one
 * string. Keys are commands here, so each character is replayed as its own key press.
 */
import type { Key } from 'ink';

/** A key press with no flags: plain text. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

export function splitKeys(input: string, key: Key): [string, Key][] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta || key.escape) return [[input, key]];
  return chars.map((char): [string, Key] => {
    if (char === '\r' || char === '\n') return ['', { ...NO_KEY, return: true }];
    if (char === '\t') return ['', { ...NO_KEY, tab: true }];
    if (char === '\u007f' || char === '\b') return ['', { ...NO_KEY, backspace: true }];
    return [char, { ...NO_KEY, shift: char !== char.toLowerCase() }];
  });
}
