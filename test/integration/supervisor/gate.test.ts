/**
 * The spawn gate (service-process.ts) waits for the coordinator to record a service before it
 * runs it, but not for ever: with the coordinator stopped (SIGSTOP: connected, never answering),
 * a restart runs about 5 s later (REPORT_WAIT_MS), not when the report's request times out (30 s).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { coordinatorPid } from '../../helpers/coordinator.js';
import { createHarness, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness;
let stopped: number | null = null;
afterEach(async () => {
  if (stopped !== null) process.kill(stopped, 'SIGCONT');
  stopped = null;
  await harness?.cleanup();
});

describe('the spawn gate', () => {
  it('holds a start while the coordinator does not answer, for about 5 s, then runs it', async () => {
    harness = await createHarness();
    const supervisor = harness.supervisor({
      services: {
        beat: {
          command: ['/bin/sh', '-c', 'echo beat; exec sleep 0.3'],
          restart: { policy: 'always', backoff: 10, maxBackoff: 10 },
        },
      },
    });
    await supervisor.start();
    const beats = () =>
      supervisor
        .getLogs('beat')
        .filter((line) => line.text === 'beat')
        .map((line) => line.time);
    await waitFor(() => beats().length >= 2, { timeout: 10_000, message: 'a restart' });

    stopped = coordinatorPid(harness.home)!;
    process.kill(stopped, 'SIGSTOP');
    const since = Date.now();
    // A run may have been let through just before the stop; the first start after it waits at
    // the gate: the longest pause between two beats (from the stop on) is that wait.
    const pause = () => {
      const times = [since, ...beats().filter((time) => time > since)];
      return Math.max(0, ...times.slice(1).map((time, i) => time - times[i]!));
    };
    await waitFor(() => pause() > 2000, { timeout: 12_000, message: 'a start past the gate' });
    expect(pause()).toBeGreaterThanOrEqual(4500);
    expect(pause()).toBeLessThan(7000);
  });
});
