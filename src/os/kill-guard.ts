/**
 * What the coordinator may never kill, whatever a client reported or a stale state said: pid 1,
 * itself and its parents (it may run under a service that started it), and any process of
 * another user (it may run as root). Passed to stopTarget (signal.ts) as its `guard`.
 *
 * `spareParents: false` is for signalling one live owner verified by pid and start time (an
 * unused shared service's supervisor): the client that started the coordinator stays its parent
 * while it runs, and a shared instance's supervisor that did so (reconnecting after a coordinator
 * restart) must still be stoppable; the coordinator runs in its own session, so it outlives that.
 */
import { currentUid } from '../protocol/private-fs.js';
import { ancestorsOf, processUid } from './process-table.js';

export function ownProcessGuard(options: { spareParents?: boolean } = {}): (pid: number) => boolean {
  const uid = currentUid();
  const spared = new Set([1, process.pid, ...(options.spareParents === false ? [] : ancestorsOf(process.pid))]);
  return (pid) => pid > 1 && !spared.has(pid) && (uid === null || processUid(pid) === uid);
}
