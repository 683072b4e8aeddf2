/**
 * Mouse wheel scrolling. Turns on the terminal's button reporting in SGR encoding and reads wheel
 * events beside Ink: a 'data' listener sees every chunk Ink's 'readable' loop reads (Node emits
 * 'data' on each read()), and Ink drops mouse reports itself, so keys are not disturbed. Reporting
 * is switched off in a layout effect, which runs synchronously when Ink unmounts, also on exit.
 * Trade-off: while it is on, selecting text needs Shift (as in mprocs, htop or vim).
 */
import { useStdin, useStdout } from 'ink';
import { useLayoutEffect, useRef } from 'react';

export const MOUSE_ON = '\u001b[?1000h\u001b[?1006h';
export const MOUSE_OFF = '\u001b[?1006l\u001b[?1000l';
/** SGR mouse report: ESC [ < button ; column ; row M (press) or m (release). */
const REPORT = /\u001b\[<(\d+);\d+;\d+[Mm]/g;
const WHEEL_UP = 64;
const WHEEL_DOWN = 65;
const MODIFIERS = 4 | 8 | 16;

/** Lines per wheel notch. */
export const WHEEL_LINES = 3;

/** Wheel steps in a chunk of input: negative up, positive down. */
export function wheelDelta(chunk: string): number {
  let delta = 0;
  for (const match of chunk.matchAll(REPORT)) {
    const button = Number(match[1]) & ~MODIFIERS;
    if (button === WHEEL_UP) delta -= 1;
    else if (button === WHEEL_DOWN) delta += 1;
  }
  return delta;
}

export function useMouseWheel(onWheel: (steps: number) => void, enabled: boolean): void {
  const { stdin } = useStdin();
  const { stdout } = useStdout();
  const handler = useRef(onWheel);
  handler.current = onWheel;
  useLayoutEffect(() => {
    if (!enabled) return;
    stdout.write(MOUSE_ON);
    const onData = (data: Buffer | string) => {
      const text = String(data);
      if (!text.includes('\u001b[<')) return;
      const steps = wheelDelta(text);
      if (steps !== 0) handler.current(steps);
    };
    stdin.on('data', onData);
    return () => {
      stdin.off('data', onData);
      stdout.write(MOUSE_OFF);
    };
  }, [enabled, stdin, stdout]);
}
