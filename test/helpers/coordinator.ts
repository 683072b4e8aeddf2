/**
 * THE one place supervisor tests get a coordinator from. Until the real coordinator lands (issue
 * 3), this is the in-memory one (memory-coordinator.ts); switching every test to a real daemon
 * on the test home is a change to this file only:
 *
 *   connect: () => connectCoordinator({ home: home.home, kind: 'supervisor' }),
 *   close: stop the clients, then the daemon (`client.shutdown()`), before `home.cleanup()`.
 */
import type { CoordinatorClient } from '../../src/client/api.js';
import type { TestHome } from './home.js';
import { MemoryRegistry } from './memory-coordinator.js';

export interface TestCoordinator {
  /** A new connection, as a supervisor (or a second `styxy up`) opens one. */
  connect(): Promise<CoordinatorClient>;
  /** Closes every connection opened here and stops the coordinator. */
  close(): Promise<void>;
}

export async function startTestCoordinator(home: TestHome): Promise<TestCoordinator> {
  const registry = new MemoryRegistry(home.home);
  const clients: CoordinatorClient[] = [];
  return {
    async connect() {
      const client = registry.client();
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}
