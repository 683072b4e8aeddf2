/**
 * Restarts (or, with `action: 'start'`, starts) one service of a running stack through its
 * control socket, keeping its ports, and waits until it is up again: for `styxy restart`,
 * `styxy start` and the MCP `restart` tool. Resolves to the
 * stack's snapshot after the restart; STYXY_TIMEOUT names the service when it is not back in time.
 */
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';
import type { StackSnapshot } from '../../protocol/stack.js';
import { connectStack } from './stack-control.js';

export async function restartService(
  stack: StackInfo,
  service: string,
  options: { readonly timeoutMs: number; readonly action?: 'restart' | 'start' },
): Promise<StackSnapshot> {
  const { timeoutMs } = options;
  const client = await connectStack(stack);
  try {
    const call = options.action === 'start' ? client.startService : client.restartService;
    await call(service, { timeoutMs }).catch((error: unknown) => {
      if (!isStyxyError(error) || error.code !== 'STYXY_TIMEOUT') throw error;
      const what = options.action === 'start' ? 'up' : 'up again';
      throw new StyxyError('STYXY_TIMEOUT', `${service} was not ${what} within ${timeoutMs / 1000} s`, {
        hint: `see why with \`styxy logs ${service}\` and \`styxy ps\``,
        details: { service, timeoutMs },
      });
    });
    return await client.snapshot();
  } finally {
    client.close();
  }
}
