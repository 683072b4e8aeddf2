/**
 * A forced stop (a second Ctrl-C, `down --force`) still runs a service's stop command, cut short
 * at 2 s: `docker stop` of a container the service started must not be skipped, or the container
 * outlives the stack.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createHarness, type StackHarness } from '../../helpers/stack.js';
import { waitFor } from '../../helpers/wait.js';

let harness: StackHarness | undefined;
afterEach(async () => {
  await harness?.cleanup();
  harness = undefined;
});

it('a forced stop runs the stop command, for at most 2 s', async () => {
  harness = await createHarness();
  const supervisor = harness.supervisor({
    services: {
      box: {
        command: 'exec sleep 1000',
        // Writes its mark, then hangs: the forced stop cuts it at 2 s, not at its own 60 s.
        stop: { command: 'echo stopped > stop.txt; exec sleep 1000', timeout: 60_000 },
      },
    },
  });
  await supervisor.start();
  await waitFor(() => supervisor.getSnapshot().services[0]!.pid);
  const started = Date.now();
  await supervisor.stop({ force: true });
  expect(Date.now() - started).toBeLessThan(30_000); // not the stop command's 60 s
  expect(existsSync(join(harness.root, 'stop.txt'))).toBe(true);
  const notes = supervisor.getLogs('box').map((line) => line.text);
  expect(notes).toContain('running its stop command: echo stopped > stop.txt; exec sleep 1000');
  expect(notes).toContain('stop command did not finish within 2000 ms; killed');
});
