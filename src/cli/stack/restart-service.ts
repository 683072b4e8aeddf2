/**
 * Restarts (or, with `action: 'start'`, starts) one service of a running stack through its
 * control socket, keeping its ports, and waits until it is up again: for `styxy restart`,
 * `styxy start` and the MCP `restart` tool. Resolves to the
 * stack's snapshot after the restart; STYXY_TIMEOUT names the service when it is not back in time.
 */
import { runningStacks } from '../../client/coordinator-client.js';
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
  const shared = stack.shared ? null : stack.services.find((snapshot) => snapshot.name === service && snapshot.shared);
  if (shared) throw await sharedElsewhere(stack, service, shared.users?.length ?? 0);
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

/**
 * A shared service runs in its instance's stack, not in this one: restarting it there affects
 * every stack using it, so it is done there, on purpose (the TUI asks first; a command says how).
 */
async function sharedElsewhere(stack: StackInfo, service: string, users: number): Promise<StyxyError> {
  const key = stack.uses?.find((use) => use.service === service)?.key;
  const instance = (await runningStacks()).find((candidate) => key !== undefined && candidate.shared?.key === key);
  const where = instance
    ? ` (stack ${instance.project}/${instance.name} of ${instance.root}, pid ${instance.pid})`
    : '';
  return new StyxyError(
    'STYXY_UNKNOWN_SERVICE',
    `"${service}" is a shared service used by ${users} ${users === 1 ? 'stack' : 'stacks'}: it runs in a stack of its own${where}`,
    {
      hint: instance
        ? `to restart it for all of them: cd ${instance.root} && styxy restart ${instance.shared!.service} --name ${instance.name}`
        : 'see `styxy ps --all` for its stack',
      details: { service, shared: true, ...(instance ? { stackId: instance.id } : {}) },
    },
  );
}
