/**
 * What is at a socket path, told carefully: a server may only take a path over when what is
 * there is a socket that nothing listens on. Anything else (a live socket, a file, a folder, a
 * socket we may not connect to) is left alone.
 */
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

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
 * Makes sure nobody else can reach or swap the folders of a socket that lives outside an
 * owner-only home (a relocated socket under the temp folder): the socket's folder and its parent
 * must be real folders of ours that others cannot write to. Creates them (owner-only) when
 * missing. Returns what is wrong, or null.
 */
export function socketFolderProblem(socketPath: string): string | null {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return null;
  const uid = process.getuid();
  const folder = dirname(socketPath);
  for (const dir of [dirname(folder), folder]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stat = lstatSync(dir);
      if (!stat.isDirectory()) return `${dir} is not a folder`;
      if (stat.uid !== uid) return `${dir} belongs to uid ${stat.uid}, not to you (${uid})`;
      if ((stat.mode & 0o022) !== 0) return `${dir} can be written by others (mode ${(stat.mode & 0o777).toString(8)})`;
    } catch (error) {
      return `cannot prepare ${dir}: ${(error as Error).message}`;
    }
  }
  return null;
}
