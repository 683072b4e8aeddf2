/**
 * Runs supervisors in tests: a test home with narrow port ranges, a real coordinator daemon,
 * a project folder, and cleanup that stops every stack (forced), closes the coordinator and
 * removes the home — call `cleanup()` in afterEach so a failed test leaves nothing running.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoordinatorClient } from '../../src/client/coordinator-client.js';
import { connectCoordinator } from '../../src/client/coordinator-client.js';
import type { ResolvedConfig, StyxyConfig } from '../../src/config/types.js';
import { createSupervisor, type Supervisor, type SupervisorOptions } from '../../src/supervisor/supervisor.js';
import { startTestCoordinator, stopCoordinator } from './coordinator.js';
import { makeTestHome, type TestHome, type TestHomeOptions } from './home.js';
import { resolveTestConfig } from './resolve-config.js';

/** The Node that runs the tests (22, pinned): fixtures run with it, not whatever `node` is on PATH. */
export const NODE = process.execPath;

/** Absolute path of a fixture in test/fixtures. */
export function fixture(name: string): string {
  return new URL(`../fixtures/${name}`, import.meta.url).pathname;
}

/** The real coordinator daemon of the test home, and connections to it. */
export interface TestCoordinator {
  /** A new connection, as a supervisor (or a second `styxy up`) opens one. */
  connect(): Promise<CoordinatorClient>;
  /** Closes every connection opened here and stops the daemon. */
  close(): Promise<void>;
}

export interface StackHarness {
  readonly home: TestHome;
  /** The project folder (inside the test home). */
  readonly root: string;
  readonly coordinator: TestCoordinator;
  /** The first connection (what supervisors use unless given another). */
  readonly client: CoordinatorClient;
  /**
   * A supervisor for an inline config (not started), its project root `root` unless given. A
   * `ResolvedConfig` is used as is: tests of the supervisor's own defences build configs the
   * loader would refuse.
   */
  supervisor(
    config: StyxyConfig | ResolvedConfig,
    options?: Partial<Omit<SupervisorOptions, 'config'>> & { root?: string },
  ): Supervisor;
  cleanup(): Promise<void>;
}

export async function createHarness(homeOptions: TestHomeOptions = {}): Promise<StackHarness> {
  const home = makeTestHome(homeOptions);
  const root = join(home.home, 'project');
  mkdirSync(root);
  await startTestCoordinator(home);
  const clients: CoordinatorClient[] = [];
  const coordinator: TestCoordinator = {
    async connect() {
      const client = await connectCoordinator({ home: home.home, kind: 'supervisor', autoStart: false });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await stopCoordinator(home);
    },
  };
  const client = await coordinator.connect();
  const supervisors: Supervisor[] = [];
  return {
    home,
    root,
    coordinator,
    client,
    supervisor(config, { root: projectRoot = root, ...options } = {}) {
      const supervisor = createSupervisor({
        config: 'root' in config ? config : resolveTestConfig(projectRoot, config, home.home),
        coordinator: client,
        env: home.env,
        ...options,
      });
      supervisors.push(supervisor);
      return supervisor;
    },
    async cleanup() {
      try {
        // Settled, not all: one stop that throws must not keep the coordinator running.
        await Promise.allSettled(
          supervisors.map(async (supervisor) => {
            supervisor.start().catch(() => {});
            await supervisor.stop({ force: true });
          }),
        );
      } finally {
        await coordinator.close();
        home.cleanup();
      }
    },
  };
}
