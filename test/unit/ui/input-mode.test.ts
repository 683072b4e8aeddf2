import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import { inputCommand, terminalBytes } from '../../../src/ui/model/input-keys.ts';
import { commandFor } from '../../../src/ui/model/keymap.ts';
import { NO_KEY } from '../../../src/ui/model/split-keys.ts';
import { INITIAL_STATE } from '../../../src/ui/model/ui-state.ts';

const key = (flags: Partial<Key> = {}): Key => ({ ...NO_KEY, ...flags });

describe('what a terminal sends for a key (tty input)', () => {
  test.each([
    ['a letter', 'a', key(), 'a'],
    ['pasted text', 'hello world', key(), 'hello world'],
    ['enter', '', key({ return: true }), '\r'],
    ['backspace', '', key({ backspace: true }), '\u007f'],
    ['delete (Backspace in some terminals)', '', key({ delete: true }), '\u007f'],
    ['tab', '', key({ tab: true }), '\t'],
    ['shift-tab', '', key({ tab: true, shift: true }), '\u001b[Z'],
    ['up', '', key({ upArrow: true }), '\u001b[A'],
    ['down', '', key({ downArrow: true }), '\u001b[B'],
    ['right', '', key({ rightArrow: true }), '\u001b[C'],
    ['left', '', key({ leftArrow: true }), '\u001b[D'],
    ['home', '', key({ home: true }), '\u001b[H'],
    ['end', '', key({ end: true }), '\u001b[F'],
    ['page up', '', key({ pageUp: true }), '\u001b[5~'],
    ['page down', '', key({ pageDown: true }), '\u001b[6~'],
    ['ctrl-c', 'c', key({ ctrl: true }), '\u0003'],
    ['ctrl-d', 'd', key({ ctrl: true }), '\u0004'],
    ['alt-b', 'b', key({ meta: true }), '\u001bb'],
    ['esc (leaves input mode instead)', '', key({ escape: true }), null],
    ['ctrl with no letter', '1', key({ ctrl: true }), null],
  ])('%s', (_, input, flags, bytes) => {
    expect(terminalBytes(input, flags)).toBe(bytes);
  });
});

describe('keys in input mode', () => {
  test('a terminal gets every key but esc, ctrl-c and q included', () => {
    const tty = { input: { service: 'a', kind: 'tty' as const, line: '' }, overlay: 'none' as const, search: null };
    expect(commandFor('c', key({ ctrl: true }), tty, 'foreground')).toEqual({ type: 'input-keys', data: '\u0003' });
    expect(commandFor('q', key(), tty, 'foreground')).toEqual({ type: 'input-keys', data: 'q' });
    expect(commandFor('', key({ escape: true }), tty, 'foreground')).toEqual({ type: 'input-leave' });
  });

  test('a pipe gets lines: typing edits, enter sends, ctrl-c and esc leave', () => {
    expect(inputCommand('x', key(), 'pipe')).toEqual({ type: 'input-type', text: 'x' });
    expect(inputCommand('', key({ return: true }), 'pipe')).toEqual({ type: 'input-send' });
    expect(inputCommand('', key({ backspace: true }), 'pipe')).toEqual({ type: 'input-erase' });
    expect(inputCommand('c', key({ ctrl: true }), 'pipe')).toEqual({ type: 'input-leave' });
    expect(inputCommand('', key({ escape: true }), 'pipe')).toEqual({ type: 'input-leave' });
    expect(inputCommand('\u0007', key(), 'pipe')).toBeNull();
  });

  test('i enters input mode from the keys', () => {
    expect(commandFor('i', key(), INITIAL_STATE, 'attach')).toEqual({ type: 'input-enter' });
  });
});
