import { beforeAll, describe, expect, test } from 'vitest';
import { MOUSE_OFF, MOUSE_ON } from '../../../src/ui/hooks/use-mouse-wheel.ts';
import { preloadStackUi, renderStackUi } from '../../../src/ui/run-ui.ts';
import { FakeStdin, FakeStdout, KEYS } from '../../helpers/ink-terminal.ts';
import { MemoryView } from '../../helpers/memory-view.ts';
import { waitFor } from '../../helpers/wait.ts';

const ENTER_ALT = '\u001b[?1049h';
const LEAVE_ALT = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';

function start(mode: 'foreground' | 'attach', isTTY = true) {
  const view = new MemoryView({ services: [{ name: 'db', status: 'ready', pid: 10 }] });
  const stdout = new FakeStdout(80, 20, isTTY);
  const stdin = new FakeStdin();
  const ui = renderStackUi(view, {
    mode,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  const output = () => stdout.writes.join('');
  return { view, stdout, stdin, ui, output };
}

describe('renderStackUi', () => {
  // Both cases in one test: only the first renders of the file find Ink not loaded yet.
  test('before Ink has loaded: unmount() draws nothing; a notice shows once the UI is drawn', async () => {
    const { ui, stdout } = start('foreground');
    const second = start('foreground');
    second.ui.notice('SIGTERM received; press Ctrl-C again to force');
    ui.unmount();
    await expect(ui.done).resolves.toBe('stopped');
    expect(stdout.writes).toEqual([]);
    await waitFor(() => second.output().includes('SIGTERM received; press Ctrl-C again to force'), {
      message: 'the notice on screen',
    });
    second.ui.unmount();
    await second.ui.done;
  });

  describe('once loaded', () => {
    beforeAll(preloadStackUi);
    test('full screen with mouse wheel on a terminal; q stops the stack and restores everything', async () => {
      const { view, stdin, ui, output } = start('foreground');
      await waitFor(() => output().includes('db'), { message: 'a frame' });
      expect(output()).toContain(ENTER_ALT);
      expect(output()).toContain(MOUSE_ON);
      expect(view.listenerCount).toBe(1);
      stdin.write('q');
      await expect(ui.done).resolves.toBe('quit');
      expect(view.calls).toEqual([{ action: 'stopStack', force: false }]);
      const teardown = output().slice(output().lastIndexOf(MOUSE_OFF));
      expect(teardown).toContain(LEAVE_ALT); // mouse off first, then the screen and cursor back
      expect(teardown).toContain(SHOW_CURSOR);
      expect(view.listenerCount).toBe(0);
    });

    test('attach: Ctrl-C detaches and leaves the stack alone', async () => {
      const { view, stdin, ui, output } = start('attach');
      await waitFor(() => output().includes('db'));
      stdin.write(KEYS.ctrlC);
      await expect(ui.done).resolves.toBe('detach');
      expect(view.calls).toEqual([]);
    });

    test('a failing stopStack rejects done with its error, after restoring the terminal', async () => {
      const { view, stdin, ui, output } = start('foreground');
      view.actions.stopStack = async () => {
        throw new Error('coordinator gone');
      };
      await waitFor(() => output().includes('db'));
      stdin.write('q');
      await expect(ui.done).rejects.toThrow('coordinator gone');
      expect(output()).toContain(LEAVE_ALT);
    });

    test('unmount() takes the UI down at once', async () => {
      const { ui, output, view } = start('foreground');
      await waitFor(() => output().includes('db'));
      ui.unmount();
      await expect(ui.done).resolves.toBe('stopped');
      expect(output()).toContain(MOUSE_OFF);
      expect(view.calls).toEqual([]);
    });

    test('stdout that is not a terminal gets no screen switching and no mouse mode', async () => {
      const { ui, output } = start('foreground', false);
      ui.unmount();
      await ui.done;
      expect(output()).not.toContain(ENTER_ALT);
      expect(output()).not.toContain(MOUSE_ON);
      expect(output()).toContain('db');
    });
  });
});
