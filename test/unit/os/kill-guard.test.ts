import { expect, it } from 'vitest';
import { ownProcessGuard } from '../../../src/os/kill-guard.js';

it('spares pid 1, this process and its parents; a verified owner that is our parent may be signalled', () => {
  const guard = ownProcessGuard();
  expect([1, process.pid, process.ppid].map(guard)).toEqual([false, false, false]);
  // The client that started a coordinator stays its parent while it runs (a shared instance's
  // supervisor, say): told to stop by pid and start time, it is not spared for being the parent.
  const signalling = ownProcessGuard({ spareParents: false });
  expect([1, process.pid, process.ppid].map(signalling)).toEqual([false, false, true]);
});
