/**
 * The coordinator connection's lifecycle, told to the user while a stack runs: the services keep
 * running while the client reconnects (starting a coordinator if needed) and re-claims the
 * stack's ports; what it could not re-claim is said with what to do.
 */
import type { CoordinatorClient } from '../../client/coordinator-client.js';

export function tellCoordinatorEvents(
  client: CoordinatorClient,
  notice: (text: string, tone: 'info' | 'error') => void,
): () => void {
  const off = [
    client.on('disconnected', () => notice('lost the coordinator; reconnecting (the services keep running)', 'error')),
    client.on('reconnected', () => notice(`reconnected to the coordinator (pid ${client.coordinatorPid})`, 'info')),
    client.on('reclaimFailed', (error) => {
      const hint = (error as { hint?: string }).hint;
      notice(`${error.message}${hint ? `\n  hint: ${hint}` : ''}`, 'error');
    }),
  ];
  return () => {
    for (const unsubscribe of off) unsubscribe();
  };
}
