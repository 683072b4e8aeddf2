/**
 * Restarts (or, with `action: 'start'` / `'stop'`, starts or stops) one service of a running
 * stack through its control socket, keeping its ports, and waits until it is up again (stopped):
 * for `styxy restart`, `styxy start`, `styxy stop` and the MCP tools of the same names. Resolves to the
 * stack's snapshot after it; STYXY_TIMEOUT names the service when it is not done in time.
 *
 * A shared service the stack uses runs in its instance's stack: restarting or stopping it there
 * does it for every stack using it, so it is done only when asked for (`shared: true`: `--yes`,
 * the MCP tool's `shared`), as the TUI asks first; otherwise it is refused, saying how. Starting
 * a stopped one does not ask (as in the TUI): it harms no other stack.
 */
import { runningStacks } from '../../client/coordinator-client.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError, StyxyError } from '../../protocol/errors.js';
import type { ServiceSnapshot, StackSnapshot } from '../../protocol/stack.js';
import { stackNames } from '../../ui/model/format.js';
import { usersOf } from './shared-view.js';
import { connectStack, stackTitle } from './stack-control.js';

type User = NonNullable<ServiceSnapshot['users']>[number];
export type ServiceAction = 'restart' | 'start' | 'stop';
export const ACTION_PAST: Record<ServiceAction, string> = { restart: 'restarted', start: 'started', stop: 'stopped' };

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
    readonly action?: ServiceAction;
    /** Restart (stop) a shared service in its instance, for every stack using it. */
    readonly shared?: boolean;
  },
): Promise<RestartResult> {
  const key = stack.shared ? undefined : stack.uses?.find((use) => use.service === service)?.key;
  if (key === undefined) return { snapshot: await act(stack, service, options) };
  const all = await runningStacks();
  const instance = all.find((candidate) => candidate.shared?.key === key);
  const users = usersOf(key, all);
  const action = options.action ?? 'restart';
  if (!instance || (action !== 'start' && !options.shared)) throw sharedElsewhere(service, action, users, instance);
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
  options: { readonly timeoutMs: number; readonly action?: ServiceAction },
): Promise<StackSnapshot> {
  const { timeoutMs } = options;
  const client = await connectStack(stack);
  try {
    const calls = { restart: client.restartService, start: client.startService, stop: client.stopService };
    await calls[options.action ?? 'restart'](service, { timeoutMs }).catch((error: unknown) => {
      if (!isStyxyError(error) || error.code !== 'STYXY_TIMEOUT') throw error;
      const what = { restart: 'up again', start: 'up', stop: 'stopped' }[options.action ?? 'restart'];
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

/** `db is shared: restarted in its instance shop/shared-db (also for shop/feature-x)`. */
export function sharedNote(service: string, action: ServiceAction, shared: NonNullable<RestartResult['shared']>) {
  const also = shared.others.length === 0 ? 'no other stack uses it now' : `also for ${stackNames(shared.others)}`;
  return `${service} is shared: ${ACTION_PAST[action]} in its instance ${stackTitle(shared.instance)} (${also})`;
}

/**
 * A shared service runs in its instance's stack, not in this one: restarting it there affects
 * every stack using it, so it is done there on purpose (the TUI asks first; `--yes` says so).
 */
function sharedElsewhere(
  service: string,
  action: ServiceAction,
  users: readonly User[],
  instance: StackInfo | undefined,
): StyxyError {
  const count = users.length;
  const where = instance
    ? ` (stack ${instance.project}/${instance.name} of ${instance.root}, pid ${instance.pid})`
    : '';
  return new StyxyError(
    'STYXY_UNKNOWN_SERVICE',
    `"${service}" is a shared service used by ${count} ${count === 1 ? 'stack' : 'stacks'} (${stackNames(users)}): it runs in a stack of its own${where}`,
    {
      hint: instance
        ? `to ${action} it for all of them: \`styxy ${action} ${service} --yes\` (MCP ${action}: \`shared: true\`), or cd ${instance.root} && styxy ${action} ${instance.shared!.service} --name ${instance.name}`
        : 'no instance of it runs now: see `styxy ps --all`',
      details: { service, shared: true, ...(instance ? { stackId: instance.id } : {}) },
    },
  );
}
