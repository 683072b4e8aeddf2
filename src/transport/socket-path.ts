/**
 * What is at a socket path, told carefully: a server may only take a path over when what is
 * there is a socket that nothing listens on. Anything else (a live socket, a file, a folder, a
 * socket we may not connect to) is left alone.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import {
  ancestorProblem,
  currentUid,
  describeUid,
  ensurePrivateDir,
  type FolderProblem,
  folderProblem,
  unsafeError,
} from '../protocol/private-fs.js';

export type SocketPathState =
  | { readonly kind: 'absent' }
  /** A server accepted a connection (or was too busy to refuse one). */
  | { readonly kind: 'live' }
  /** A socket file nobody listens on: a crashed server's leftover. */
  | { readonly kind: 'stale' }
  | { readonly kind: 'not-socket'; readonly what: string }
  /** A socket we could not probe (e.g. EACCES): not ours to touch. */
  | { readonly kind: 'unreachable'; readonly code: string };

function describe(path: string): { kind: 'absent' } | { kind: 'socket' } | { kind: 'other'; what: string } {
  try {
    const stat = lstatSync(path);
    if (stat.isSocket()) return { kind: 'socket' };
    if (stat.isSymbolicLink()) return { kind: 'other', what: 'a symbolic link' };
    if (stat.isDirectory()) return { kind: 'other', what: 'a folder' };
    if (stat.isFile()) return { kind: 'other', what: 'a regular file' };
    return { kind: 'other', what: 'not a socket' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
}

/** Looks at `path` and, when it is a socket, tries to connect to it. */
export async function inspectSocketPath(path: string, timeoutMs = 1000): Promise<SocketPathState> {
  if (process.platform !== 'win32') {
    const found = describe(path);
    if (found.kind === 'absent') return found;
    if (found.kind === 'other') return { kind: 'not-socket', what: found.what };
  }
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (state: SocketPathState) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    // A listener too busy to accept within the limit is still a listener.
    const timer = setTimeout(() => done({ kind: 'live' }), timeoutMs);
    socket.once('connect', () => done({ kind: 'live' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') done({ kind: 'stale' });
      else if (error.code === 'ENOENT') done({ kind: 'absent' });
      else done({ kind: 'unreachable', code: error.code ?? 'error' });
    });
  });
}

/**
 * Unlinks `path` only if it is (still) a socket. The caller has probed it dead while holding the
 * lock that keeps other servers from starting, so nothing can have replaced it with a live one.
 */
export function removeStaleSocket(path: string): boolean {
  if (describe(path).kind !== 'socket') return false;
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * What is wrong with the folders of a socket that lives outside an owner-only home (a relocated
 * socket: `$XDG_RUNTIME_DIR/styxy/<hash>/` or `$TMPDIR/styxy-<uid>/<hash>/`), or null. Both must
 * be real folders of ours that others cannot write to, inside folders nobody else can swap. One
 * that another user made first (a squatted `/tmp/styxy-<uid>`) is named with its owner: nobody
 * else may be able to make our coordinator listen where they can reach it. Looks only.
 */
export function socketFolderProblem(socketPath: string): FolderProblem | null {
  if (currentUid() === null) return null;
  const folder = dirname(socketPath);
  for (const dir of [dirname(folder), folder]) {
    let problem: FolderProblem | null;
    try {
      problem = folderProblem(dir);
    } catch {
      break; // not there yet: it is made owner-only
    }
    if (problem?.kind === 'foreign' && problem.uid !== null) return squatted(dir, problem.uid);
    if (problem) return problem;
  }
  return ancestorProblem(dirname(folder));
}

function squatted(dir: string, uid: number): FolderProblem {
  return {
    path: dir,
    kind: 'foreign',
    uid,
    message: `the socket folder ${dir} belongs to ${describeUid(uid)}, not to you: another user squatted it, so no coordinator of yours can listen there`,
    hint: `remove it (it is not yours: as root, \`rm -r ${dir}\`), set XDG_RUNTIME_DIR to a folder of your own, or use a shorter STYXY_HOME (the socket then lives in it)`,
  };
}

/** Creates the folders of a relocated socket owner-only; throws STYXY_HOME_UNSAFE when they are not ours. */
export function ensureSocketFolder(socketPath: string): void {
  const problem = socketFolderProblem(socketPath);
  if (problem) throw unsafeError(problem);
  ensurePrivateDir(dirname(socketPath), { parents: true });
}
