import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import type { LogLine, ServiceSnapshot } from '../../../src/protocol/stack.ts';
import type { UiCommand } from '../../../src/ui/model/commands.ts';
import { stackNames } from '../../../src/ui/model/format.ts';
import { commandFor, KEY_HELP } from '../../../src/ui/model/keymap.ts';
import { findMatch } from '../../../src/ui/model/search.ts';
import { NO_KEY, splitKeys } from '../../../src/ui/model/split-keys.ts';
import { INITIAL_STATE, type UiContext, type UiState, update } from '../../../src/ui/model/ui-state.ts';
import { matcherFor } from '../../../src/ui/text/highlight.ts';
import { serviceSnapshot } from '../../helpers/memory-view.ts';

const service = (name: string, status: ServiceSnapshot['status'] = 'running') =>
  serviceSnapshot({ name, status, pid: 1, startedAt: 0 });
const LINES: LogLine[] = Array.from({ length: 50 }, (_, i) => ({
  seq: i + 1,
  service: 'a',
  stream: 'stdout',
  text: i % 10 === 3 ? `hit ${i + 1}` : `miss ${i + 1}`,
  time: 0,
}));
const context = (mode: UiContext['mode'] = 'foreground', phase: UiContext['phase'] = 'running'): UiContext => ({
  mode,
  phase,
  services: [service('a'), service('b', 'stopped'), service('c')],
  lines: () => LINES,
  logHeight: 10,
});

/** Runs commands from the initial state; returns the last state and every effect. */
function run(commands: UiCommand[], ctx = context(), from: UiState = INITIAL_STATE) {
  let state = from;
  const effects = [];
  for (const command of commands) {
    const result = update(state, command, ctx);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

describe('update', () => {
  test('selection moves and clamps', () => {
    expect(run([{ type: 'select', delta: 1 }]).state.selected).toBe(1);
    expect(run([{ type: 'select', delta: 5 }]).state.selected).toBe(2);
    expect(run([{ type: 'select', delta: -1 }]).state.selected).toBe(0);
  });

  test('focus shows the selected service and follows; all goes back', () => {
    const { state } = run([{ type: 'select', delta: 1 }, { type: 'scroll-pages', delta: -1 }, { type: 'focus' }]);
    expect(state).toMatchObject({ focus: 'b', scroll: { follow: true } });
    expect(run([{ type: 'all' }], context(), state).state.focus).toBeNull();
  });

  test('r restarts the selected service; s stops a running one and starts a stopped one', () => {
    expect(run([{ type: 'restart' }]).effects).toEqual([{ type: 'restart', service: 'a' }]);
    expect(run([{ type: 'toggle' }]).effects).toEqual([{ type: 'stop', service: 'a' }]);
    expect(run([{ type: 'select', delta: 1 }, { type: 'toggle' }]).effects).toEqual([{ type: 'start', service: 'b' }]);
    // s on a service outside the active profiles starts it (its ports are leased then).
    const withOff = { ...context(), services: [service('a'), service('docs', 'off')] };
    expect(run([{ type: 'select', delta: 1 }, { type: 'toggle' }], withOff).effects).toEqual([
      { type: 'start', service: 'docs' },
    ]);
  });

  test('foreground: quit stops the stack once; a second interrupt forces; then nothing more', () => {
    const { state, effects } = run([{ type: 'quit' }, { type: 'quit' }, { type: 'interrupt' }, { type: 'interrupt' }]);
    expect(effects).toEqual([
      { type: 'stop-stack', force: false },
      { type: 'stop-stack', force: true, signal: 'SIGINT' },
    ]);
    expect(state.quitting).toBe('forced');
    expect(run([{ type: 'quit' }, { type: 'restart' }]).effects).toHaveLength(1);
  });

  test('foreground: Ctrl-C stands for SIGINT (raw mode delivers it as a key); a second one forces', () => {
    const { state, effects } = run([{ type: 'interrupt' }, { type: 'interrupt' }, { type: 'quit' }]);
    expect(effects).toEqual([
      { type: 'stop-stack', force: false, signal: 'SIGINT' },
      { type: 'stop-stack', force: true, signal: 'SIGINT' },
    ]);
    expect(state).toMatchObject({ quitting: 'forced', flash: { text: 'already stopping: Ctrl-C forces' } });
  });

  test.each(['stopping', 'failed'] as const)(
    'foreground: a stack already %s (a signal, a failed service) is forced by the first Ctrl-C',
    (phase) => {
      const stopping = context('foreground', phase);
      expect(run([{ type: 'interrupt' }], stopping)).toMatchObject({
        state: { quitting: 'forced' },
        effects: [{ type: 'stop-stack', force: true, signal: 'SIGINT' }],
      });
      // Restarting or stopping one service makes no sense any more.
      expect(run([{ type: 'restart' }], stopping)).toMatchObject({
        effects: [],
        state: { flash: { text: 'the stack is stopping' } },
      });
      expect(run([{ type: 'toggle' }], stopping).effects).toEqual([]);
      // Attached, Ctrl-C still only detaches.
      expect(run([{ type: 'interrupt' }], context('attach', phase)).effects).toEqual([{ type: 'detach' }]);
    },
  );

  test('notices show in the bar for longer than an action flash, errors longest', () => {
    const info = run([{ type: 'notice', text: 'lost the coordinator', tone: 'info' }]).state.flash;
    const error = run([{ type: 'notice', text: 'port 8001 taken\n  hint: run `styxy ls`', tone: 'error' }]).state.flash;
    expect(info).toEqual({ text: 'lost the coordinator', tone: 'info', durationMs: 8000 });
    expect(error).toEqual({ text: 'port 8001 taken · hint: run `styxy ls`', tone: 'error', durationMs: 15_000 });
    expect(run([{ type: 'restart' }]).state.flash?.durationMs).toBeUndefined(); // FLASH_MS
  });

  test('attach: q and Ctrl-C detach; X asks first and only y stops', () => {
    const attach = context('attach');
    expect(run([{ type: 'quit' }], attach).effects).toEqual([{ type: 'detach' }]);
    expect(run([{ type: 'interrupt' }], attach).effects).toEqual([{ type: 'detach' }]);
    expect(run([{ type: 'stop-stack' }], attach).state.overlay).toBe('confirm-stop');
    expect(run([{ type: 'stop-stack' }, { type: 'confirm', yes: false }], attach)).toMatchObject({
      state: { overlay: 'none', quitting: 'no' },
      effects: [],
    });
    expect(run([{ type: 'stop-stack' }, { type: 'confirm', yes: true }], attach).effects).toEqual([
      { type: 'stop-stack', force: false },
    ]);
    expect(run([{ type: 'stop-stack' }]).state.overlay).toBe('none'); // not in foreground
  });

  test('search: typing, erasing, submitting jumps to the newest match, n/N walk and wrap', () => {
    const typed = run([
      { type: 'search-open' },
      ...[...'hitx'].map((text) => ({ type: 'search-type', text }) as const),
    ]);
    expect(typed.state.search).toMatchObject({ query: 'hitx', editing: true });
    const { state } = run([{ type: 'search-erase' }, { type: 'search-submit' }], context(), typed.state);
    expect(state.search).toMatchObject({ query: 'hit', editing: false, current: 44, ordinal: 5, total: 5 });
    const older = run([{ type: 'search-next', direction: 'older' }], context(), state).state;
    expect(older.search).toMatchObject({ current: 34, ordinal: 4 });
    expect(older.scroll).toEqual({ follow: false, anchor: 39 }); // centred: 34 + 10/2
    const wrapped = run([{ type: 'search-next', direction: 'newer' }], context(), state).state;
    expect(wrapped.search).toMatchObject({ current: 4, ordinal: 1 });
    expect(wrapped.flash?.text).toContain('wrapped');
  });

  test('search: no match and no query are reported; escape clears', () => {
    const none = run([{ type: 'search-open' }, { type: 'search-type', text: 'zzz' }, { type: 'search-submit' }]);
    expect(none.state.flash).toEqual({ text: 'no match for "zzz"', tone: 'error' });
    expect(run([{ type: 'search-next', direction: 'older' }]).state.flash?.text).toContain('no search');
    expect(run([{ type: 'close' }], context(), none.state).state.search).toBeNull();
  });

  test('help toggles; close shuts an overlay before clearing a search', () => {
    const help = run([
      { type: 'search-open' },
      { type: 'search-type', text: 'x' },
      { type: 'search-submit' },
      { type: 'help' },
    ]);
    expect(help.state.overlay).toBe('help');
    const closed = run([{ type: 'close' }], context(), help.state).state;
    expect(closed).toMatchObject({ overlay: 'none', search: { query: 'x' } });
  });

  test('pan moves sideways in steps and not below zero', () => {
    expect(
      run([
        { type: 'pan', delta: 1 },
        { type: 'pan', delta: 1 },
      ]).state.pan,
    ).toBe(16);
    expect(run([{ type: 'pan', delta: -1 }]).state.pan).toBe(0);
  });
});

describe('findMatch', () => {
  const matcher = matcherFor('hit')!;
  test('looks older first, inclusive of the start when asked', () => {
    expect(findMatch(LINES, matcher, 43, 'older', true)).toMatchObject({ index: 43, ordinal: 5, wrapped: false });
    expect(findMatch(LINES, matcher, 43, 'older', false)).toMatchObject({ index: 33, ordinal: 4 });
    expect(findMatch(LINES, matcher, 3, 'older', false)).toMatchObject({ index: 43, wrapped: true });
    expect(findMatch(LINES, matcher, 43, 'newer', false)).toMatchObject({ index: 3, wrapped: true });
    expect(findMatch(LINES, matcherFor('nothing')!, 43, 'older', true)).toBeNull();
  });
});

const key = (patch: Partial<Key> = {}): Key => ({ ...NO_KEY, ...patch });

describe('keys', () => {
  const normal = { overlay: 'none', search: null } as const;
  test.each([
    ['j', key(), { type: 'select', delta: 1 }],
    ['', key({ upArrow: true }), { type: 'select', delta: -1 }],
    ['', key({ return: true }), { type: 'focus' }],
    ['l', key(), { type: 'focus' }],
    ['a', key(), { type: 'all' }],
    ['', key({ pageUp: true }), { type: 'scroll-pages', delta: -1 }],
    ['g', key(), { type: 'top' }],
    ['G', key({ shift: true }), { type: 'bottom' }],
    ['/', key(), { type: 'search-open' }],
    ['n', key(), { type: 'search-next', direction: 'older' }],
    ['N', key({ shift: true }), { type: 'search-next', direction: 'newer' }],
    ['r', key(), { type: 'restart' }],
    ['s', key(), { type: 'toggle' }],
    ['q', key(), { type: 'quit' }],
    ['c', key({ ctrl: true }), { type: 'interrupt' }],
    ['?', key(), { type: 'help' }],
    ['X', key({ shift: true }), null],
  ])('%j in the foreground', (input, k, command) => {
    expect(commandFor(input, k, normal, 'foreground')).toEqual(command);
  });

  test('X stops the stack only in attach', () => {
    expect(commandFor('X', key({ shift: true }), normal, 'attach')).toEqual({ type: 'stop-stack' });
  });

  test('the search prompt takes letters; ctrl-c still interrupts', () => {
    const editing = {
      overlay: 'none',
      search: { query: '', editing: true, current: null, ordinal: 0, total: 0 },
    } as const;
    expect(commandFor('q', key(), editing, 'foreground')).toEqual({ type: 'search-type', text: 'q' });
    expect(commandFor('', key({ backspace: true }), editing, 'foreground')).toEqual({ type: 'search-erase' });
    expect(commandFor('c', key({ ctrl: true }), editing, 'foreground')).toEqual({ type: 'interrupt' });
  });

  test('the help overlay closes on esc, ? or q and ignores the rest', () => {
    const help = { overlay: 'help', search: null } as const;
    expect(commandFor('', key({ escape: true }), help, 'foreground')).toEqual({ type: 'close' });
    expect(commandFor('q', key(), help, 'foreground')).toEqual({ type: 'close' });
    expect(commandFor('r', key(), help, 'foreground')).toBeNull();
  });

  test('every key the help lists does something', () => {
    expect(KEY_HELP.filter((k) => k.mode !== 'attach').map((k) => k.keys)).toContain('ctrl-c');
    for (const letter of ['k', 'j', 'l', 'a', 'g', 'G', '/', 'n', 'N', 'r', 's', 'q', '?']) {
      expect(commandFor(letter, key({ shift: letter !== letter.toLowerCase() }), normal, 'foreground')).not.toBeNull();
    }
  });

  test('a chunk of typed text is replayed key by key', () => {
    expect(splitKeys('/ab\r', key()).map(([input, k]) => [input, k.return])).toEqual([
      ['/', false],
      ['a', false],
      ['b', false],
      ['', true],
    ]);
    expect(splitKeys('G', key({ shift: true }))).toHaveLength(1);
    expect(splitKeys('xN', key())[1]![1].shift).toBe(true);
  });
});

describe('input mode state', () => {
  const services: ServiceSnapshot[] = [
    serviceSnapshot({ name: 'web', pid: 11, input: 'pipe' }),
    serviceSnapshot({ name: 'repl', pid: 12, input: 'tty' }),
    serviceSnapshot({ name: 'quiet', pid: 13, input: 'none' }),
    serviceSnapshot({ name: 'down', status: 'stopped', pid: null, input: 'pipe' }),
    serviceSnapshot({ name: 'old', pid: 14 }), // an older supervisor: no `input`
  ];
  const ctx: UiContext = { mode: 'foreground', phase: 'running', services, lines: () => [], logHeight: 10 };
  const select = (index: number): UiState => ({ ...INITIAL_STATE, selected: index });

  test('entering focuses the service, follows its logs, and knows how to send', () => {
    expect(run([{ type: 'input-enter' }], ctx, select(1)).state).toMatchObject({
      input: { service: 'repl', kind: 'tty', line: '' },
      focus: 'repl',
      scroll: { follow: true },
    });
    expect(run([{ type: 'input-enter' }], ctx, select(4)).state.input).toEqual({
      service: 'old',
      kind: 'pipe',
      line: '',
    });
  });

  test('a service that reads nothing, or does not run, is refused with why', () => {
    expect(run([{ type: 'input-enter' }], ctx, select(2)).state).toMatchObject({
      input: null,
      flash: { text: "quiet reads no input (stdin: 'null')", tone: 'error' },
    });
    expect(run([{ type: 'input-enter' }], ctx, select(3)).state).toMatchObject({
      input: null,
      flash: { text: 'down is not running (stopped)', tone: 'error' },
    });
  });

  test('a pipe: the line is edited here and sent whole, with a newline; esc leaves', () => {
    const typed = run(
      [
        { type: 'input-enter' },
        { type: 'input-type', text: 'helo' },
        { type: 'input-erase' },
        { type: 'input-type', text: 'lo' },
      ],
      ctx,
    );
    expect(typed.state.input?.line).toBe('hello');
    expect(typed.effects).toEqual([]);
    const sent = run([{ type: 'input-send' }], ctx, typed.state);
    expect(sent.effects).toEqual([{ type: 'input', service: 'web', data: 'hello\n' }]);
    expect(sent.state.input?.line).toBe('');
    expect(run([{ type: 'input-leave' }], ctx, sent.state).state.input).toBeNull();
  });

  test('a terminal: each key is sent at once', () => {
    const { effects } = run(
      [{ type: 'input-enter' }, { type: 'input-keys', data: 'x' }, { type: 'input-keys', data: '\r' }],
      ctx,
      select(1),
    );
    expect(effects).toEqual([
      { type: 'input', service: 'repl', data: 'x' },
      { type: 'input', service: 'repl', data: '\r' },
    ]);
  });
});

describe('stackNames', () => {
  test('project/name, with the folder when two stacks would read the same (worktrees)', () => {
    const stack = (name: string, root: string) => ({ project: 'shop', name, root });
    expect(stackNames([stack('feature-x', '/src/shop'), stack('main', '/src/shop')])).toBe('shop/feature-x, shop/main');
    expect(stackNames([stack('default', '/src/shop'), stack('default', '/src/shop-wt/fix/'), stack('b', '/x')])).toBe(
      'shop/default (shop), shop/default (fix), shop/b',
    );
    expect(stackNames([])).toBe('');
  });
});
