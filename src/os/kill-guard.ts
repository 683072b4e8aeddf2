/**
 * What the coordinator may never kill, whatever a client reported or a stale state said: pid 1,
 * itself and its parents (it may run under a service that started it), and any process of
 * another user (it may run as root). Passed to stopTarget (signal.ts) as its `guard`.
 */
import { currentUid } from '../protocol/private-fs.js';
import { ancestorsOf, processUid } from './process-table.js';

export function ownProcessGuard(): (pid: number) => boolean {
  const uid = currentUid();
  const spared = new Set([1, process.pid, ...ancestorsOf(process.pid)]);
  return (pid) => pid > 1 && !spared.has(pid) && (uid === null || processUid(pid) === uid);
}
