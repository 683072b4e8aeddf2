/**
 * Input mode (`i`): keys go to the selected service instead of the UI. A `tty: true` service gets
 * what a terminal would send for each key (its pty echoes and edits the line); a piped service
 * gets whole lines, edited in the bottom bar and sent on enter (a pipe has no line editing of its
 * own, and nothing shows what was typed). Esc leaves the mode; it is never sent.
 */
import type { Key } from 'ink';
import type { UiCommand } from './commands.js';

export type InputKind = 'tty' | 'pipe';

/** What a terminal sends for the keys Ink names (xterm's sequences, normal cursor mode). */
const SEQUENCES: readonly (readonly [keyof Key, string])[] = [
  ['upArrow', '\u001b[A'],
  ['downArrow', '\u001b[B'],
  ['rightArrow', '\u001b[C'],
  ['leftArrow', '\u001b[D'],
  ['home', '\u001b[H'],
  ['end', '\u001b[F'],
  ['pageUp', '\u001b[5~'],
  ['pageDown', '\u001b[6~'],
  ['return', '\r'],
  // Ink names the Backspace key's DEL "delete" in some terminals: both send what Backspace does.
  ['backspace', '\u007f'],
  ['delete', '\u007f'],
];

/** The bytes a terminal sends for this key press; null for none (Esc, an unknown combination). */
export function terminalBytes(input: string, key: Key): string | null {
  if (key.escape) return null;
  if (key.tab) return key.shift ? '\u001b[Z' : '\t';
  for (const [name, bytes] of SEQUENCES) if (key[name]) return bytes;
  if (key.ctrl) {
    const code = input.toLowerCase().charCodeAt(0);
    // ctrl-a … ctrl-z are 1 … 26 (ctrl-c interrupts, ctrl-d ends a line of input, as in a terminal).
    return input.length === 1 && code >= 97 && code <= 122 ? String.fromCharCode(code - 96) : null;
  }
  if (input === '') return null;
  return key.meta ? `\u001b${input}` : input;
}

/** The command for a key in input mode. */
export function inputCommand(input: string, key: Key, kind: InputKind): UiCommand | null {
  if (key.escape) return { type: 'input-leave' };
  if (kind === 'tty') {
    const data = terminalBytes(input, key);
    return data === null ? null : { type: 'input-keys', data };
  }
  if (key.return) return { type: 'input-send' };
  if (key.backspace || key.delete) return { type: 'input-erase' };
  if (key.ctrl && input === 'c') return { type: 'input-leave' };
  if (key.ctrl || key.meta || input === '' || /[\u0000-\u001f\u007f]/.test(input)) return null;
  return { type: 'input-type', text: input };
}
