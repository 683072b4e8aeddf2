import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { coalesce } from '../../../src/ui/hooks/coalesce.ts';
import { wheelDelta } from '../../../src/ui/hooks/use-mouse-wheel.ts';

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

  test('cancel drops a pending run', () => {
    const run = vi.fn();
    const c = coalesce(run, 50, () => Date.now());
    c.request();
    c.cancel();
    vi.advanceTimersByTime(100);
    expect(run).not.toHaveBeenCalled();
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
