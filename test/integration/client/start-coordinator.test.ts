/**
 * Starting the coordinator: the client that spawned one knows how it ended, so "did not answer
 * in time" can say whether it died (and how) or still runs (a CI run once failed with nothing
 * but an empty log to go on).
 */
import { chmodSync, readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { clearSpawnLock, startCoordinator } from '../../../src/client/start-coordinator.js';
import { homePaths } from '../../../src/protocol/home.js';
import { stopCoordinator } from '../../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';
import { waitFor } from '../../helpers/wait.js';

let home: TestHome | undefined;
afterEach(async () => {
  if (home) await stopCoordinator(home);
  home?.cleanup();
  home = undefined;
});

it('a coordinator that cannot start: its exit code is known to the client that spawned it', async () => {
  home = makeTestHome();
  // A home others may write to: the coordinator refuses it (and exits 1).
  chmodSync(home.home, 0o777);
  const spawned = startCoordinator(homePaths(home.home), home.env);
  expect(spawned?.pid).toBeGreaterThan(0);
  expect(await waitFor(() => spawned!.ended(), { message: 'the coordinator exits' })).toBe('exited with code 1');
});

it('a running coordinator is not ended; killed, it says by what; a second start waits for the first', async () => {
  home = makeTestHome();
  const paths = homePaths(home.home);
  const spawned = startCoordinator(paths, home.env);
  expect(spawned).not.toBeNull();
  // A spawn a moment ago is still starting: no second one.
  expect(startCoordinator(paths, home.env)).toBeNull();
  await waitFor(() => spawned!.ended() === null && lockWritten(paths.lock), {
    message: 'the coordinator holds its lock',
  });
  clearSpawnLock(paths);
  process.kill(spawned!.pid!, 'SIGKILL');
  expect(await waitFor(() => spawned!.ended(), { message: 'the coordinator is gone' })).toBe('was killed by SIGKILL');
});

function lockWritten(lock: string): boolean {
  try {
    return readFileSync(lock, 'utf8').length > 0;
  } catch {
    return false;
  }
}
