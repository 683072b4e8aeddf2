/** Where a stack's control socket listens, made ready for it. */
import { join } from 'node:path';
import { CONTROL_SOCKET_NAME } from '../../protocol/control-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { socketPathIn } from '../../protocol/home.js';
import { ensurePrivateDir } from '../../protocol/private-fs.js';
import { ensureSocketFolder, inspectSocketPath, removeStaleSocket } from '../../transport/socket-path.js';

/**
 * The socket's path, ready to listen on: the stack's folder (or, for a long path, the relocated
 * owner-only folder) exists and is private; a leftover socket nobody listens on (a supervisor
 * killed with -9) is removed; anything else there is left alone and refused.
 */
export async function prepareSocketPath(dir: string): Promise<string> {
  ensurePrivateDir(dir, { parents: true });
  const socketPath = socketPathIn(dir, CONTROL_SOCKET_NAME);
  const cannot = (why: string) =>
    new StyxyError('STYXY_INTERNAL', `cannot serve the stack's control socket ${socketPath}: ${why}`, {
      hint: 'move it away and start the stack again; `styxy doctor` checks STYXY_HOME',
    });
  if (socketPath !== join(dir, CONTROL_SOCKET_NAME)) ensureSocketFolder(socketPath);
  const found = await inspectSocketPath(socketPath);
  switch (found.kind) {
    case 'absent':
      return socketPath;
    case 'stale':
      removeStaleSocket(socketPath);
      return socketPath;
    case 'live':
      throw cannot('another process answers on it');
    case 'not-socket':
      throw cannot(`it is ${found.what}`);
    case 'unreachable':
      throw cannot(`it is a socket we cannot use (${found.code})`);
  }
}
