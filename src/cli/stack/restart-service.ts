/**
 * Restarts (or, with `action: 'start'`, starts) one service of a running stack through its
 * control socket, keeping its ports, and waits until it is up again: for `styxy restart`,
 * `styxy start` and the MCP `restart` tool. Resolves to the
 * stack's snapshot after the restart; STYXY_TIMEOUT names the service when it is not back in time.
 *
 * A shared service the stack uses runs in its instance's stack: restarting it there restarts it
 * for every stack using it, so it is done only when asked for (`shared: true`: `--yes`, the MCP
 * tool's `shared`), as the TUI asks first; otherwise it is refused, saying how. Starting a stopped
 * one does not ask (as in the TUI): it harms no other stack.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';
import type { ServiceSnapshot, StackSnapshot } from '../../protocol/stack.js';
import { usersOf } from './shared-view.js';
import { connectStack, stackTitle } from './stack-control.js';

type User = NonNullable<ServiceSnapshot['users']>[number];

export interface RestartResult {
  /** The stack's snapshot after it; a shared service's entry is its instance's (`shared`, `users`). */
  readonly snapshot: StackSnapshot;
  /** A shared service restarted in its instance: that stack, and the other stacks using it. */
  readonly shared?: { readonly instance: StackInfo; readonly others: readonly User[] };
}

export async function restartService(
  stack: StackInfo,
  service: string,
  options: {
    readonly timeoutMs: number;
    readonly action?: 'restart' | 'start';
    /** Restart a shared service in its instance, for every stack using it. */
    readonly shared?: boolean;
  },
): Promise<RestartResult> {
  const key = stack.shared ? undefined : stack.uses?.find((use) => use.service === service)?.key;
  if (key === undefined) return { snapshot: await act(stack, service, options) };
  const all = await runningStacks();
  const instance = all.find((candidate) => candidate.shared?.key === key);
  const users = usersOf(key, all);
  if (!instance || (options.action !== 'start' && !options.shared)) throw sharedElsewhere(service, users, instance);
  const instanceSnapshot = await act(instance, instance.shared!.service, options);
  const own = await ownSnapshot(stack);
  const entry = instanceSnapshot.services.find((snapshot) => snapshot.name === instance.shared!.service);
  const services = [...(entry ? [{ ...entry, name: service, shared: true, users }] : []), ...own.services];
  return {
    snapshot: { ...own, services },
    shared: { instance, others: users.filter((user) => user.id !== stack.id) },
  };
}

async function act(
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

async function ownSnapshot(stack: StackInfo): Promise<StackSnapshot> {
  const client = await connectStack(stack);
  try {
    return await client.snapshot();
  } finally {
    client.close();
  }
}

function stackList(users: readonly User[]): string {
  return users.map(stackTitle).join(', ');
}

/** `db is shared: restarted in its instance shop/shared-db (also for shop/feature-x)`. */
export function sharedNote(service: string, action: 'restart' | 'start', shared: NonNullable<RestartResult['shared']>) {
  const also = shared.others.length === 0 ? 'no other stack uses it now' : `also for ${stackList(shared.others)}`;
  return `${service} is shared: ${action}ed in its instance ${stackTitle(shared.instance)} (${also})`;
}

/**
 * A shared service runs in its instance's stack, not in this one: restarting it there affects
 * every stack using it, so it is done there on purpose (the TUI asks first; `--yes` says so).
 */
function sharedElsewhere(service: string, users: readonly User[], instance: StackInfo | undefined): StyxyError {
  const count = users.length;
  const where = instance
    ? ` (stack ${instance.project}/${instance.name} of ${instance.root}, pid ${instance.pid})`
    : '';
  return new StyxyError(
    'STYXY_UNKNOWN_SERVICE',
    `"${service}" is a shared service used by ${count} ${count === 1 ? 'stack' : 'stacks'} (${stackList(users)}): it runs in a stack of its own${where}`,
    {
      hint: instance
        ? `to restart it for all of them: \`styxy restart ${service} --yes\` (MCP restart: \`shared: true\`), or cd ${instance.root} && styxy restart ${instance.shared!.service} --name ${instance.name}`
        : 'no instance of it runs now: see `styxy ps --all`',
      details: { service, shared: true, ...(instance ? { stackId: instance.id } : {}) },
    },
  );
}
