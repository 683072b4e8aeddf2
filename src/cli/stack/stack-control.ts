/** Connects to a running stack's control socket, with errors that name the stack and what to do. */
import { type ControlClient, connectControl } from '../../client/control-client.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';

export function stackTitle(stack: Pick<StackInfo, 'project' | 'name'>): string {
  return `${stack.project}/${stack.name}`;
}

export async function connectStack(
  stack: StackInfo,
  options: { readonly timeoutMs?: number } = {},
): Promise<ControlClient> {
  if (stack.controlSocket === null) {
    throw new StyxyError(
      'STYXY_STACK_UNREACHABLE',
      `stack ${stackTitle(stack)} (pid ${stack.pid}) has no control socket ${stack.phase === 'starting' ? 'yet' : ''}`.trim(),
      {
        hint:
          stack.phase === 'starting'
            ? 'it is starting: try again in a moment'
            : 'it was started by another Styxy version: `styxy down` stops it anyway',
        details: { stackId: stack.id, pid: stack.pid, reason: 'no-socket' },
      },
    );
  }
  let client: ControlClient;
  try {
    client = await connectControl(stack.controlSocket, { timeoutMs: options.timeoutMs ?? 5000 });
  } catch (error) {
    if (!isStyxyError(error) || error.code === 'STYXY_PROTOCOL_MISMATCH') throw error;
    const reason = String(error.details?.reason ?? error.message);
    throw new StyxyError(
      'STYXY_STACK_UNREACHABLE',
      `stack ${stackTitle(stack)} (pid ${stack.pid}) does not answer on its control socket (${reason})`,
      {
        hint: 'its supervisor may be stuck: `styxy down` stops it anyway',
        details: { stackId: stack.id, pid: stack.pid, socket: stack.controlSocket, reason },
        cause: error,
      },
    );
  }
  // The socket is the registration's word: what answers must be this very stack, or `down` of
  // one stack could stop another.
  if (client.stack.id !== stack.id || client.stack.pid !== stack.pid) {
    client.close();
    throw new StyxyError(
      'STYXY_STACK_UNREACHABLE',
      `the control socket of ${stackTitle(stack)} answers for another stack (${client.stack.id}, pid ${client.stack.pid})`,
      {
        hint: 'its supervisor may be stuck or of another version: `styxy down` stops it anyway',
        details: { stackId: stack.id, pid: stack.pid, reason: 'other-stack' },
      },
    );
  }
  return client;
}
