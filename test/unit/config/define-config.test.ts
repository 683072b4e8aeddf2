import { describe, expect, it } from 'vitest';
import { defineConfig } from '../../../src/index.js';

// Type-level checks (`npm test` type-checks test/ too): the editor flags what the loader rejects.
const typed = [
  defineConfig({
    name: 'shop',
    services: {
      db: { command: 'postgres', ports: { PORT: { fixed: 5432 } }, ready: { command: 'pg_isready' } },
      api: {
        command: ['node', 'api.js'],
        ports: { PORT: 'api', DEBUG: { type: 'test', preferred: 9229 } },
        env: { N: 1, B: true, S: 's' },
        envFile: ['.env'],
        dependsOn: { db: 'ready' },
        ready: { http: '/health', port: 'PORT', timeout: 1000, interval: 50 },
        restart: { policy: 'on-failure', maxRestarts: 3, backoff: 100, maxBackoff: 1000 },
        stopSignal: 'SIGINT',
        stopTimeout: 1000,
      },
      web: { command: 'vite', dependsOn: ['api'], ready: { log: /ready/i }, restart: 'always' },
      job: { command: 'x', ready: false },
      slow: { command: 'x', ready: { timeout: 60_000 } },
    },
  }),
  // @ts-expect-error a misspelt service option
  defineConfig({ services: { a: { command: 'x', dependOn: ['b'] } } }),
  // @ts-expect-error a misspelt top-level option
  defineConfig({ servces: {} }),
  // @ts-expect-error a missing command
  defineConfig({ services: { a: { cwd: 'x' } } }),
  // @ts-expect-error an unknown restart policy
  defineConfig({ services: { a: { command: 'x', restart: 'sometimes' } } }),
  // @ts-expect-error an unknown dependency condition
  defineConfig({ services: { a: { command: 'x', dependsOn: { b: 'redy' } } } }),
  // @ts-expect-error a misspelt port option
  defineConfig({ services: { a: { command: 'x', ports: { PORT: { typ: 'api' } } } } }),
  // @ts-expect-error a signal that is not one
  defineConfig({ services: { a: { command: 'x', stopSignal: 'SIGNOPE' } } }),
];

describe('defineConfig', () => {
  it('accepts every option (and the @ts-expect-error lines above prove it rejects typos)', () => {
    expect(typed).toHaveLength(8);
    expect(typed[0]!.services.api!.restart).toEqual({
      policy: 'on-failure',
      maxRestarts: 3,
      backoff: 100,
      maxBackoff: 1000,
    });
  });

  it('returns the config unchanged', () => {
    const config = { services: { a: { command: 'x' } } };
    expect(defineConfig(config)).toBe(config);
  });
});
