/**
 * A real terminal for TUI tests: a tmux server of its own (a unique socket, so tests run in
 * parallel and never touch the user's tmux), one window running the program under test.
 * `remain-on-exit` keeps the pane after the program ends, so a test can read its last screen and
 * the terminal's modes (alternate screen, cursor, mouse) it left behind.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { waitFor } from './wait.ts';

export interface TmuxOptions {
  readonly columns?: number;
  readonly rows?: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export class Tmux {
  readonly socket = `styxy-test-${process.pid}-${randomBytes(4).toString('hex')}`;

  /** Starts `argv` in a new detached session. */
  start(argv: readonly string[], options: TmuxOptions = {}): void {
    const env = Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    this.run(
      'start-server',
      ';',
      'set-option',
      '-g',
      'remain-on-exit',
      'on',
      ';',
      'new-session',
      '-d',
      '-x',
      String(options.columns ?? 120),
      '-y',
      String(options.rows ?? 40),
      ...(options.cwd ? ['-c', options.cwd] : []),
      ...env,
      '--',
      ...argv,
    );
  }

  /** Sends tmux key names (`Enter`, `Escape`, `PPage`, `C-c`) or literal text with `literal`. */
  send(...keys: string[]): void {
    this.run('send-keys', '-t', '0', ...keys);
  }

  /** The visible screen, as text. */
  capture(): string {
    return this.run('capture-pane', '-p', '-t', '0');
  }

  /** The visible screen with its styling, as SGR escape sequences (colours, bold, inverse). */
  captureStyled(): string {
    return this.run('capture-pane', '-p', '-e', '-t', '0');
  }

  /** A tmux format of the pane, e.g. `#{alternate_on}`. */
  display(format: string): string {
    return this.run('display-message', '-p', '-t', '0', format).trim();
  }

  /** The terminal modes the pane is in (after a program left: the ones it left behind). */
  modes(): { alternateScreen: string; cursorVisible: string; mouse: string } {
    return {
      alternateScreen: this.display('#{alternate_on}'),
      cursorVisible: this.display('#{cursor_flag}'),
      // any-event, button-event (1002, unused) and SGR-encoding reporting
      mouse: this.display('#{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}'),
    };
  }

  resize(columns: number, rows: number): void {
    this.run('resize-window', '-t', '0', '-x', String(columns), '-y', String(rows));
  }

  /** Polls the screen until `check` holds; the error shows the last screen. */
  async waitForScreen(check: string | ((screen: string) => boolean), timeout = 10_000): Promise<string> {
    const test = typeof check === 'string' ? (s: string) => s.includes(check) : check;
    let last = '';
    try {
      return await waitFor(
        () => {
          last = this.capture();
          return test(last) ? last : null;
        },
        { timeout, interval: 50, message: `screen ${typeof check === 'string' ? JSON.stringify(check) : 'check'}` },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen is:\n${last}`);
    }
  }

  /** Ends the server and removes its socket file (tmux leaves it behind after kill-server). */
  kill(): void {
    let socketPath: string | null = null;
    try {
      socketPath = this.run('display-message', '-p', '#{socket_path}').trim();
      this.run('kill-server');
    } catch {
      // already gone
    }
    if (socketPath) rmSync(socketPath, { force: true });
  }

  private run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }
}

/** Runs the program under a shell that prints `[exit N]` when it ends and keeps the pane open. */
export const REPORTING_SHELL = ['bash', '--norc', '--noprofile', '-c', '"$0" "$@"; echo "[exit $?]"; exec sleep 600'];

/** The first row of the screen that contains `text` ('' when none does). */
export const screenRow = (screen: string, text: string): string =>
  screen.split('\n').find((row) => row.includes(text)) ?? '';

/** The exit status the program under REPORTING_SHELL printed, once it has. */
export async function exitStatus(tmux: Tmux, timeout = 15_000): Promise<number> {
  return Number(/\[exit (\d+)\]/.exec(await tmux.waitForScreen((s) => /\[exit \d+\]/.test(s), timeout))![1]);
}
