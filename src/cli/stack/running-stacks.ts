/**
 * The stacks running for this user, as the coordinator knows them. Starts no coordinator: with
 * none running, no stack runs.
 */
import { withRunningCoordinator } from '../../client/coordinator-client.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';

export function runningStacks(home?: string): Promise<readonly StackInfo[]> {
  return withRunningCoordinator(
    (client) => client.listStacks(),
    () => [],
    home === undefined ? {} : { home },
  );
}
