/**
 * Ports a stack lost while the coordinator restarted: its reclaim found them held by another
 * owner (the new coordinator had no record of them). The services keep their environment, so the
 * supervisor marks them and says so (machine event `portsLost`); docs/security.md.
 */
import type { CoordinatorClient } from '../client/coordinator-client.js';
import type { StackPorts } from '../config/interpolate.js';

/**
 * Calls `onLost` with each service's ports that a reclaim found taken by another owner (after a
 * coordinator restart). Returns the unsubscribe function.
 */
export function watchLostPorts(
  coordinator: Pick<CoordinatorClient, 'on'>,
  ports: StackPorts,
  onLost: (service: string, lost: Record<string, number>) => void,
): () => void {
  return coordinator.on('reclaimFailed', (error) => {
    const details = (error as { details?: { lostPorts?: readonly { port: number }[] } }).details;
    const lost = new Set((details?.lostPorts ?? []).map((entry) => entry.port));
    for (const [service, own] of Object.entries(ports)) {
      const hit = Object.fromEntries(Object.entries(own).filter(([, port]) => lost.has(port)));
      if (Object.keys(hit).length > 0) onLost(service, hit);
    }
  });
}
