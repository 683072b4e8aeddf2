import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { coalesce } from '../../../src/ui/coalesce.ts';
import { wheelDelta } from '../../../src/ui/hooks/use-mouse-wheel.ts';
import {
  FLOOD_ENDS_BELOW_LINES_PER_SECOND,
  FLOOD_LINES_PER_SECOND,
  FLOOD_REDRAW_INTERVAL_MS,
  REDRAW_INTERVAL_MS,
  redrawInterval,
} from '../../../src/ui/model/pacing.ts';

describe('coalesce', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a burst runs once, on the next tick', () => {
    const run = vi.fn();
    const c = coalesce(run, 50, () => Date.now());
    for (let i = 0; i < 10_000; i++) c.request();
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(1);
  });

  test('a steady stream runs at most once per interval', () => {
    const run = vi.fn();
    const c = coalesce(run, 50, () => Date.now());
    for (let ms = 0; ms < 1000; ms++) {
      c.request();
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(50);
    expect(run.mock.calls.length).toBeGreaterThanOrEqual(19);
    expect(run.mock.calls.length).toBeLessThanOrEqual(21);
  });

  test('an interval given as a function is asked after each run', () => {
    const run = vi.fn();
    const intervals = [100, 10];
    const c = coalesce(
      run,
      () => intervals.shift() ?? 10,
      () => Date.now(),
    );
    c.request();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(1);
    c.request();
    vi.advanceTimersByTime(99);
    expect(run).toHaveBeenCalledTimes(1); // 100 ms after the first run
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    c.request();
    vi.advanceTimersByTime(10);
    expect(run).toHaveBeenCalledTimes(3);
  });

  test('cancel drops a pending run', () => {
    const run = vi.fn();
    const c = coalesce(run, 50, () => Date.now());
    c.request();
    c.cancel();
    vi.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
  });
});

describe('redrawInterval', () => {
  test.each([
    ['nothing new', 0, 50, REDRAW_INTERVAL_MS],
    ['a busy service (2,000 lines a second)', 100, 50, REDRAW_INTERVAL_MS],
    ['just under a flood', FLOOD_LINES_PER_SECOND / 20 - 1, 50, REDRAW_INTERVAL_MS],
    ['a flood', FLOOD_LINES_PER_SECOND / 20, 50, FLOOD_REDRAW_INTERVAL_MS],
    ['a flood, measured over a slow frame', 3000, 200, FLOOD_REDRAW_INTERVAL_MS],
    ['no time passed', 5, 0, REDRAW_INTERVAL_MS],
  ])('%s: %i lines in %i ms → the next frame %i ms later', (_, lines, sinceLastMs, expected) => {
    expect(redrawInterval(lines, sinceLastMs)).toBe(expected);
  });

  test('a flood lasts until the rate falls well below the threshold', () => {
    const justUnder = FLOOD_LINES_PER_SECOND / 20 - 1; // lines in 50 ms
    expect(redrawInterval(justUnder, 50, REDRAW_INTERVAL_MS, true)).toBe(FLOOD_REDRAW_INTERVAL_MS);
    expect(redrawInterval(FLOOD_ENDS_BELOW_LINES_PER_SECOND / 5, 200, REDRAW_INTERVAL_MS, true)).toBe(
      FLOOD_REDRAW_INTERVAL_MS,
    );
    expect(redrawInterval(FLOOD_ENDS_BELOW_LINES_PER_SECOND / 5 - 1, 200, REDRAW_INTERVAL_MS, true)).toBe(
      REDRAW_INTERVAL_MS,
    );
    expect(redrawInterval(0, 200, REDRAW_INTERVAL_MS, true)).toBe(REDRAW_INTERVAL_MS);
  });

  test('a slower normal pace is kept under a flood too', () => {
    expect(redrawInterval(100_000, 50, 500)).toBe(500);
  });
});

describe('wheelDelta', () => {
  test.each([
    ['\u001b[<64;10;5M', -1],
    ['\u001b[<65;10;5M', 1],
    ['\u001b[<64;1;1M\u001b[<64;1;1M', -2],
    ['\u001b[<68;1;1M', -1], // with shift
    ['\u001b[<0;1;1M', 0], // a click
    ['abc', 0],
  ])('%j', (chunk, delta) => {
    expect(wheelDelta(chunk)).toBe(delta);
  });
});
