/**
 * What the coordinator checks about pids a client names, from the OS, never from the client:
 *
 * - hello: the pid is the peer's own. Node cannot read a Unix socket's peer credentials
 *   (SO_PEERCRED), so the client proves it: it creates a file with a random name in the home's
 *   owner-only `hello/` folder, keeps it open, and names the file and its descriptor in the hello;
 *   the coordinator checks that /proc/<pid>/fd/<fd> of the claimed pid is that file, then removes
 *   it. One process cannot make another open a file, so a client can prove only its own pid (or
 *   a child's that inherited the descriptor, which it controls anyway). pid 1 and other users'
 *   pids are refused outright.
 * - reportProcess: the process is a descendant of the owner (its parents read from /proc at
 *   report time), of our user, and not pid 1, the coordinator or one of its parents.
 *
 * Without /proc (macOS, the BSDs) a hello's pid cannot be proven; the reports are still checked
 * against `ps`, so what the coordinator kills still rests only on what the OS said
 * (docs/security.md, "Owners are who they say").
 */
import { readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ancestorsOf, processInfo, processUid } from '../os/process-table.js';
import type { PidProof } from '../protocol/coordinator-protocol.js';
import { currentUid, describeUid } from '../protocol/private-fs.js';
import { PROCESS_GONE } from './context.js';

const canProve = process.platform === 'linux';

/** Why no client can be `pid` (pid 1, another user's process), or null (also when it is not running). */
export function impossibleOwner(pid: number): string | null {
  if (pid <= 1) return `pid ${pid} is the system's init process, not a client`;
  const uid = currentUid();
  const owner = processUid(pid);
  if (uid !== null && owner !== null && owner !== uid) {
    return `pid ${pid} belongs to ${describeUid(owner)}, not to ${describeUid(uid)} whose coordinator this is`;
  }
  return null;
}

/** Why a hello claiming `pid` is refused, or null. `helloDir` is the real path of `$STYXY_HOME/hello`. */
export function helloPidProblem(pid: number, proof: PidProof | undefined, helloDir: string): string | null {
  const impossible = impossibleOwner(pid);
  if (impossible !== null) return impossible;
  if (processUid(pid) === null) return `pid ${pid} is not running`;
  if (!canProve) return null;
  if (proof === undefined) return 'the hello carries no proof that it comes from that pid';
  const file = join(helloDir, proof.name);
  let link: string | null = null;
  try {
    link = readlinkSync(`/proc/${pid}/fd/${proof.fd}`);
  } catch {}
  try {
    unlinkSync(file);
  } catch {}
  if (link !== file) return `pid ${pid} does not hold the hello file open: a client can say hello only as itself`;
  return null;
}

/** Why `pid` may not be reported by the owner `ownerPid`, or null when the OS confirms it is the owner's. */
export function reportedPidProblem(ownerPid: number, pid: number): string | null {
  if (pid <= 1) return 'it is the init process';
  // Exited (a zombie has no parents left to check): nothing to record, nothing to refuse.
  if (processInfo(pid) === null) return PROCESS_GONE;
  const uid = currentUid();
  const owner = processUid(pid);
  if (owner === null) return 'the OS does not show it';
  if (uid !== null && owner !== uid) return `it belongs to ${describeUid(owner)}`;
  if (pid === process.pid || ancestorsOf(process.pid).includes(pid))
    return 'it is the coordinator or one of its parents';
  if (!ancestorsOf(pid).includes(ownerPid)) return 'it is not a child (or grandchild…) of that client';
  return null;
}
