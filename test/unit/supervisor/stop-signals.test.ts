import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { StyxyError } from '../../../src/protocol/errors.js';
import { createStackPusher } from '../../../src/supervisor/stack-pusher.js';
import { DUPLICATE_SIGNAL_MS, exitCodeOf, handleStopSignals } from '../../../src/supervisor/stop-signals.js';
import type { StopOptions } from '../../../src/supervisor/supervisor.js';

describe('stop signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops gracefully; a second signal forces; exit %i', (signal, code) => {
    const source = new EventEmitter();
    const calls: StopOptions[] = [];
    const seen: [string, boolean][] = [];
    let time = 1000;
    const dispose = handleStopSignals(
      { stop: async (options) => void calls.push(options) },
      { source: source as never, onSignal: (s, forced) => seen.push([s, forced]), now: () => time },
    );
    source.emit(signal, signal);
    time += DUPLICATE_SIGNAL_MS;
    source.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual([
      { force: false, signal },
      { force: true, signal },
    ]);
    expect(seen).toEqual([
      [signal, false],
      ['SIGINT', true],
    ]);
    expect(exitCodeOf({ kind: 'interrupted', signal })).toBe(code);
    dispose();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM') + source.listenerCount('SIGHUP')).toBe(0);
  });

  it('a signal repeated within the duplicate window (terminal + a forwarding parent) does not force', () => {
    const source = new EventEmitter();
    const calls: StopOptions[] = [];
    let time = 5000;
    handleStopSignals(
      { stop: async (options) => void calls.push(options) },
      { source: source as never, now: () => time },
    );
    source.emit('SIGINT', 'SIGINT');
    time += DUPLICATE_SIGNAL_MS - 1;
    source.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual([{ force: false, signal: 'SIGINT' }]);
    time += 1;
    source.emit('SIGINT', 'SIGINT');
    expect(calls).toEqual([
      { force: false, signal: 'SIGINT' },
      { force: true, signal: 'SIGINT' },
    ]);
  });

  it('a stack already stopping without a signal (q in the UI, a failed service) is forced by the first', () => {
    const source = new EventEmitter();
    const calls: StopOptions[] = [];
    const seen: boolean[] = [];
    let stopping = false;
    handleStopSignals(
      { stop: async (options) => void calls.push(options) },
      { source: source as never, stopping: () => stopping, onSignal: (_, forced) => seen.push(forced) },
    );
    stopping = true;
    source.emit('SIGTERM', 'SIGTERM');
    expect(calls).toEqual([{ force: true, signal: 'SIGTERM' }]);
    expect(seen).toEqual([true]);
  });

  it('exit 0 after a clean stop, the error exit code (1) when a service failed', () => {
    expect(exitCodeOf({ kind: 'clean' })).toBe(0);
    expect(exitCodeOf({ kind: 'failed', error: new StyxyError('STYXY_SERVICE_FAILED', 'x') })).toBe(1);
  });
});

describe('stack pusher', () => {
  it('pushes a burst of changes once per interval, and nothing after cancel', async () => {
    vi.useFakeTimers();
    try {
      const push = vi.fn(async () => {});
      const pusher = createStackPusher(push, 100);
      pusher.schedule();
      pusher.schedule();
      await vi.advanceTimersByTimeAsync(99);
      expect(push).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(push).toHaveBeenCalledTimes(1);
      pusher.schedule();
      pusher.cancel();
      await vi.advanceTimersByTimeAsync(500);
      expect(push).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
