/**
 * `styxy up`'s UI renderer over an in-memory stack: when the UI takes the screen, where notices
 * go before and while it shows, what close() leaves, and a UI that breaks stopping the stack.
 */
// Ink (and with it React's development build) before the UI's modules: vitest compiles JSX for
// React's development runtime, so run-ui.ts must find that build loaded rather than load React's
// production build itself, as it does in the built CLI.
import 'ink';
import { beforeAll, describe, expect, test } from 'vitest';
import { chooseRenderer } from '../../../src/cli/up/choose-renderer.ts';
import { createTuiRenderer, preloadTui } from '../../../src/cli/up/tui-renderer.ts';
import { FakeStdin, FakeStdout, KEYS } from '../../helpers/ink-terminal.ts';
import { MemoryView } from '../../helpers/memory-view.ts';
import { waitFor } from '../../helpers/wait.ts';

const ENTER_ALT = '\u001b[?1049h';
const LEAVE_ALT = '\u001b[?1049l';

function setup() {
  const view = new MemoryView({ services: [{ name: 'db', status: 'starting', pid: 10 }] });
  const stdout = new FakeStdout(80, 20, true);
  const stdin = new FakeStdin();
  const stderr: string[] = [];
  const renderer = createTuiRenderer(view, {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: { write: (text: string) => stderr.push(text) } as unknown as NodeJS.WritableStream,
  });
  const output = () => stdout.writes.join('');
  return { view, stdout, stdin, stderr, renderer, output };
}

beforeAll(preloadTui);

describe('the UI renderer of styxy up', () => {
  test('the UI takes the screen at the stack’s first event; notices before it go to stderr, then into the UI', async () => {
    const { view, stderr, renderer, output } = setup();
    renderer.notice('starting shop from styxy.config.ts: db');
    expect(stderr).toEqual(['styxy: starting shop from styxy.config.ts: db\n']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output()).toBe(''); // ports not reserved yet: nothing on screen

    view.setService('db', { status: 'ready' }); // the supervisor's first event
    await waitFor(() => output().includes('db'), { message: 'the UI drawn' });
    expect(output()).toContain(ENTER_ALT);
    renderer.notice('lost the coordinator; reconnecting', 'error');
    await waitFor(() => output().includes('lost the coordinator; reconnecting'), { message: 'the notice in the UI' });
    expect(stderr).toHaveLength(1);

    await renderer.flush();
    renderer.close();
    expect(output().slice(output().lastIndexOf(ENTER_ALT))).toContain(LEAVE_ALT); // restored at once
    renderer.notice('too late');
    expect(stderr).toHaveLength(1);
    renderer.close(); // idempotent
  });

  test('closed before the stack started (a refusal): nothing is ever drawn', async () => {
    const { view, renderer, output } = setup();
    renderer.close();
    view.setService('db', { status: 'ready' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output()).toBe('');
  });

  test('Ctrl-C in the UI stops the stack as SIGINT; the UI leaves once it has stopped', async () => {
    const { view, stdin, renderer, output } = setup();
    view.setService('db', { status: 'ready' });
    await waitFor(() => output().includes('db'));
    stdin.write(KEYS.ctrlC);
    await waitFor(() => output().includes(LEAVE_ALT), { message: 'the UI gone' });
    expect(view.calls).toEqual([{ action: 'stopStack', force: false, signal: 'SIGINT' }]);
    renderer.close();
  });

  test('a UI that breaks stops the stack, and its error is printed once the terminal is back', async () => {
    const { view, stderr, renderer, output } = setup();
    view.setService('db', { status: 'ready' });
    await waitFor(() => output().includes('db'));
    // A view whose logs cannot be read: rendering throws.
    view.getLogs = () => {
      throw new Error('ring exploded');
    };
    view.log('db', 'one more line');
    await waitFor(() => view.calls.length > 0, { message: 'the stack stopped' });
    expect(view.calls[0]).toEqual({ action: 'stopStack', force: false });
    renderer.close();
    expect(stderr.join('')).toMatch(/^styxy: the terminal UI failed: Error: ring exploded/);
  });
});

describe('chooseRenderer', () => {
  test('a terminal gets the UI renderer (it shows the stack once it starts)', async () => {
    const view = new MemoryView({ services: [{ name: 'db', status: 'ready', pid: 10 }] });
    const stdout = new FakeStdout(80, 20, true);
    const renderer = await chooseRenderer(view, {
      tui: true,
      json: false,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: process.stderr,
    });
    view.log('db', 'hello from db');
    await waitFor(() => stdout.writes.join('').includes('hello from db'), { message: 'the UI drawn' });
    renderer.close();
  });
});
