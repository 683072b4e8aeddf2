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
 * - registerStop's daemon: see daemonProblem.
 *
 * Without /proc (macOS, the BSDs) a hello's pid cannot be proven; the reports are still checked
 * against `ps`, so what the coordinator kills still rests only on what the OS said
 * (docs/security.md, "Owners are who they say").
 */
import { readlinkSync, realpathSync, unlinkSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { readPidFile, startedNotBefore } from '../os/pid-file.js';
import { listeningPortsOf } from '../os/port-holder.js';
import { ancestorsOf, isSameProcess, processInfo, processUid } from '../os/process-table.js';
import type { PidProof } from '../protocol/coordinator-protocol.js';
import { currentUid, describeUid } from '../protocol/private-fs.js';
import { type DaemonClaim, type DaemonVerdict, PROCESS_GONE } from './context.js';

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
  // Gone between the two reads (64 concurrent `styxy run -- true` hit it: bench/bundle-ab.ts).
  if (owner === null) return processInfo(pid) === null ? PROCESS_GONE : 'the OS does not show it';
  if (uid !== null && owner !== uid) return `it belongs to ${describeUid(owner)}`;
  if (pid === process.pid || ancestorsOf(process.pid).includes(pid))
    return 'it is the coordinator or one of its parents';
  if (!ancestorsOf(pid).includes(ownerPid)) {
    // It may have exited since the check above (its parents are gone with it): 64 concurrent
    // `styxy run -- true` were refused so (bench/cli.ts).
    if (processInfo(pid) === null) return PROCESS_GONE;
    return 'it is not a child (or grandchild…) of that client';
  }
  return null;
}

/**
 * Whether the OS confirms `claim.pid` as a daemon of the stack (docs/security.md, "Daemons"):
 * it is no descendant of the owner (its parent exited), so every one of these must hold: it runs
 * as our user; it started no earlier than the owner; the pid file, inside the stack's folder,
 * names it; and it listens on a port leased by that stack.
 */
export async function daemonProblem(claim: DaemonClaim): Promise<DaemonVerdict> {
  const { pid } = claim;
  const refuse = (problem: string): DaemonVerdict => ({ ok: false, problem });
  if (pid <= 1 || claim.excluded.includes(pid)) return refuse('it is the init process, the owner or the coordinator');
  const info = processInfo(pid);
  if (!info) return refuse('it is not running');
  const uid = currentUid();
  const runsAs = processUid(pid);
  if (uid !== null && runsAs !== uid) {
    return refuse(`it runs as ${runsAs === null ? 'an unknown user' : describeUid(runsAs)}, not ${describeUid(uid)}`);
  }
  if (!startedNotBefore(info.startTime, claim.ownerStartTime)) return refuse('it started before its supervisor');
  if (!isAbsolute(claim.pidFile) || !isInside(claim.pidFile, claim.root)) {
    return refuse(`its pid file ${claim.pidFile} is not inside the stack's folder ${claim.root}`);
  }
  const named = readPidFile(claim.pidFile);
  if (named !== pid) return refuse(`its pid file ${claim.pidFile} names ${named === null ? 'no pid' : `pid ${named}`}`);
  const ports = await listeningPortsOf(pid);
  if (ports === null) return refuse('the OS does not tell which ports it listens on');
  if (!ports.some((port) => claim.leasedPorts.includes(port))) {
    return refuse(`it listens on none of the stack's leased ports (${claim.leasedPorts.join(', ') || 'none'})`);
  }
  // It leads its group only after setsid; otherwise pgid = pid marks "no group" (stacks.ts).
  if (!isSameProcess(pid, info.startTime)) return refuse('it is not running');
  return { ok: true, record: { pid, pgid: pid, startTime: info.startTime } };
}

/** Both real paths: `file` is inside `folder`. */
function isInside(file: string, folder: string): boolean {
  try {
    const real = realpathSync(file);
    const base = realpathSync(folder);
    return real.startsWith(base.endsWith(sep) ? base : `${base}${sep}`);
  } catch {
    return false;
  }
}
