import { StyxyError } from '../protocol/errors.js';

/**
 * The answer to a hello of another protocol version. It names this coordinator and tells the
 * user the one thing to do; `details.coordinatorPid` lets `styxy daemon stop` stop it even
 * though the two cannot talk.
 */
export function protocolMismatch(
  peerVersion: number | null,
  coordinator: { readonly pid: number; readonly version: string; readonly protocol: number },
): StyxyError {
  const peer = peerVersion === null ? 'an unknown protocol' : `protocol ${peerVersion}`;
  return new StyxyError(
    'STYXY_PROTOCOL_MISMATCH',
    `the running coordinator (pid ${coordinator.pid}, styxy ${coordinator.version}) speaks protocol ${coordinator.protocol}; this styxy speaks ${peer}`,
    {
      hint: 'run `styxy daemon stop`; the next command starts a coordinator of its own version (running stacks keep their ports)',
      details: {
        coordinatorPid: coordinator.pid,
        coordinatorProtocol: coordinator.protocol,
        coordinatorVersion: coordinator.version,
      },
    },
  );
}
