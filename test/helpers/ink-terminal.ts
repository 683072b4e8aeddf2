/**
 * A terminal for Ink component tests: ink-testing-library 4.0.0 works with Ink 8 and React 19,
 * but its stdout is fixed at 100 columns with no rows and cannot resize, and this UI is laid out
 * to the terminal's size. These few lines are the same idea with a size: a stdout with
 * columns/rows that records frames and emits 'resize', and a stdin to type keys into.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { stripAnsi } from '../../src/ui/text/sanitize.ts';
import { waitFor } from './wait.ts';

export class FakeStdout extends EventEmitter {
  readonly isTTY: boolean;
  columns: number;
  rows: number;
  /** Every write, raw. */
  readonly writes: string[] = [];
  /** Writes that drew something (not bare control sequences such as mouse mode switches). */
  readonly frames: string[] = [];

  constructor(columns: number, rows: number, isTTY = false) {
    super();
    this.columns = columns;
    this.rows = rows;
    this.isTTY = isTTY;
  }

  write = (data: string, callback?: () => void): boolean => {
    this.writes.push(data);
    if (stripAnsi(data) !== '') this.frames.push(data);
    callback?.();
    return true;
  };

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private buffer: string[] = [];
  write(data: string): void {
    this.buffer.push(data);
    this.emit('readable');
  }
  read(): string | null {
    const data = this.buffer.shift() ?? null;
    if (data !== null) this.emit('data', data);
    return data;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

/** Key sequences as a terminal sends them. */
export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  ctrlC: '\u0003',
  wheelUp: '\u001b[<64;10;10M',
  wheelDown: '\u001b[<65;10;10M',
} as const;

export interface InkTerminal {
  readonly stdout: FakeStdout;
  readonly stdin: FakeStdin;
  /** The last frame drawn, without colours. */
  screen(): string;
  /** The last frame drawn, with its escapes. */
  rawScreen(): string;
  /** Types keys (each string one chunk, as a terminal would send it). */
  press(...keys: string[]): void;
  /** Polls until the screen satisfies `check` (or contains the string). */
  waitForScreen(check: string | ((screen: string) => boolean), timeout?: number): Promise<string>;
  unmount(): void;
}

export function renderInTerminal(tree: ReactElement, size: { columns: number; rows: number }): InkTerminal {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  // debug: every render writes the whole frame, so the last write is the screen.
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const rawScreen = () => stdout.frames.at(-1) ?? '';
  const screen = () => stripAnsi(rawScreen());
  return {
    stdout,
    stdin,
    screen,
    rawScreen,
    press(...keys) {
      for (const key of keys) stdin.write(key);
    },
    async waitForScreen(check, timeout = 3000) {
      const test = typeof check === 'string' ? (s: string) => s.includes(check) : check;
      try {
        return await waitFor(() => (test(screen()) ? screen() : null), { timeout, message: 'screen' });
      } catch (error) {
        throw new Error(`${(error as Error).message}; the screen is:\n${screen()}`);
      }
    },
    unmount: () => instance.unmount(),
  };
}
