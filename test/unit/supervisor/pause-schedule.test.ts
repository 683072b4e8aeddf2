import { describe, expect, it } from 'vitest';
import { FAST_WINDOW_MS, FIRST_PAUSE_MS, pauseSchedule } from '../../../src/supervisor/probes/pause-schedule.js';

/** The pauses of a probe whose attempts take no time: each starts when the previous pause ends. */
function pauses(schedule: (elapsed: number) => number, count: number): number[] {
  const out: number[] = [];
  let elapsed = 0;
  for (let i = 0; i < count; i++) {
    const pause = schedule(elapsed);
    out.push(pause);
    elapsed += pause;
  }
  return out;
}

describe('probe pause schedule', () => {
  it('TCP and HTTP: every 25 ms for the first second, then doubling up to the interval', () => {
    for (const kind of ['tcp', 'http'] as const) {
      const all = pauses(pauseSchedule(kind, 250), 48);
      const fast = FAST_WINDOW_MS / FIRST_PAUSE_MS;
      expect(all.slice(0, fast)).toEqual(Array(fast).fill(25));
      expect(all.slice(fast, fast + 6)).toEqual([25, 50, 100, 200, 250, 250]);
    }
  });

  it('a command check doubles from the start (a process per attempt)', () => {
    expect(pauses(pauseSchedule('command', 250), 6)).toEqual([25, 50, 100, 200, 250, 250]);
  });

  it('never pauses longer than the interval, also below the first pause', () => {
    expect(pauses(pauseSchedule('tcp', 10), 3)).toEqual([10, 10, 10]);
    expect(pauses(pauseSchedule('command', 40), 4)).toEqual([25, 40, 40, 40]);
    expect(Math.max(...pauses(pauseSchedule('http', 60), 100))).toBe(60);
  });
});
