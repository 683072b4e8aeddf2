/**
 * What is at a socket path, told carefully: a server may only take a path over when what is
 * there is a socket that nothing listens on. Anything else (a live socket, a file, a folder, a
 * socket we may not connect to) is left alone.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';

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
