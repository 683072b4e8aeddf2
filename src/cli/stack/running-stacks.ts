/**
 * The stacks running for this user, as the coordinator knows them. Starts no coordinator: with
 * none running, no stack runs.
 */
import type { StackInfo } from '../../client/api.js';
import { connectCoordinator } from '../../client/connect.js';
import { isStyxyError } from '../../protocol/errors.js';

/** Every running stack, or only `stackId` (so one stack's commands never depend on the others). */
export async function runningStacks(home?: string, stackId?: string): Promise<StackInfo[]> {
  let client: Awaited<ReturnType<typeof connectCoordinator>>;
  try {
    client = await connectCoordinator({ kind: 'cli', autoStart: false, ...(home === undefined ? {} : { home }) });
  } catch (error) {
    if (isStyxyError(error) && error.details?.reason === 'not-running') return [];
    throw error;
  }
  try {
    return await client.listStacks(stackId);
  } finally {
    await client.close();
  }
}
