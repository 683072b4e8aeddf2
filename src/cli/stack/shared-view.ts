/**
 * Shared services as `ps`, `port`, `env` and `logs` see them from a stack that uses one: the
 * stack's own services plus the snapshot of each shared instance it uses, marked `shared` with
 * the stacks using it (`users`). The instance runs in a stack of its own (docs/architecture.md,
 * "Shared services"); the coordinator knows which through the stacks' `uses` and `shared`.
 */
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import type { ServiceSnapshot } from '../../protocol/stack.js';

type User = NonNullable<ServiceSnapshot['users']>[number];

/** The stacks whose registration uses `key`. */
export function usersOf(key: string, all: readonly StackInfo[]): User[] {
  return all
    .filter((stack) => stack.uses?.some((use) => use.key === key))
    .map((stack) => ({ id: stack.id, name: stack.name, project: stack.project, root: stack.root }));
}

/** The instance stack of each shared service `stack` uses, by service name. */
export function sharedInstances(stack: StackInfo, all: readonly StackInfo[]): Map<string, StackInfo> {
  const found = new Map<string, StackInfo>();
  for (const use of stack.uses ?? []) {
    const instance = all.find((candidate) => candidate.shared?.key === use.key);
    if (instance) found.set(use.service, instance);
  }
  return found;
}

/** `stack` with its shared services' snapshots added (a user) or marked (an instance). */
export function withShared(stack: StackInfo, all: readonly StackInfo[]): StackInfo {
  if (stack.shared) {
    const { key, service } = stack.shared;
    const users = usersOf(key, all);
    return {
      ...stack,
      services: stack.services.map((snapshot) =>
        snapshot.name === service ? { ...snapshot, shared: true, users } : snapshot,
      ),
    };
  }
  const instances = sharedInstances(stack, all);
  if (instances.size === 0) return stack;
  const shared: ServiceSnapshot[] = [];
  for (const [name, instance] of instances) {
    const key = instance.shared!.key;
    const snapshot = instance.services.find((candidate) => candidate.name === instance.shared!.service);
    if (!snapshot) continue;
    shared.push({ ...snapshot, name, shared: true, users: usersOf(key, all) });
  }
  return { ...stack, services: [...shared, ...stack.services] };
}
