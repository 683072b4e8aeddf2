import { describe, expect, it } from 'vitest';
import { selectServices } from '../../../src/config/select-services.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { resolveOk } from './fixtures.js';

const config = resolveOk({
  services: {
    db: { command: 'postgres', ports: { PORT: 'database' } },
    cache: { command: 'redis', ports: { PORT: 'infrastructure' } },
    api: { command: 'node api.js', ports: { PORT: 'api' }, dependsOn: ['db'] },
    metrics: { command: 'x', ports: { PORT: 'monitoring' } },
    web: { command: 'vite', ports: { PORT: 'dev' }, dependsOn: { api: 'started' } },
    // References a port without depending on its service: the port must still be leased.
    worker: { command: 'node worker.js', env: { METRICS: 'http://localhost:${metrics.PORT}' } },
    docs: { command: 'x', ready: { command: 'curl localhost:${cache.PORT}' } },
  },
});

const names = (services: { name: string }[]) => services.map((service) => service.name);

describe('selectServices', () => {
  it.each([
    ['no names: every service', [], ['db', 'cache', 'api', 'metrics', 'web', 'worker', 'docs']],
    ['one with no dependencies', ['db'], ['db']],
    ['dependencies, transitively, in start order', ['web'], ['db', 'api', 'web']],
    ['services referenced by ${service.PORT} in env', ['worker'], ['metrics', 'worker']],
    ['services referenced in probes', ['docs'], ['cache', 'docs']],
    ['several names, each once', ['web', 'api', 'cache'], ['db', 'cache', 'api', 'web']],
  ])('%s', (_, selected, expected) => {
    expect(names(selectServices(config, selected))).toEqual(expected);
  });

  it('names an unknown service, with a suggestion, and lists the known ones', () => {
    let error: unknown;
    try {
      selectServices(config, ['web', 'wbe']);
    } catch (caught) {
      error = caught;
    }
    expect(isStyxyError(error) && error.code).toBe('STYXY_UNKNOWN_SERVICE');
    expect((error as Error).message).toBe(`no service "wbe" in ${config.file}; did you mean "web"?`);
    expect((error as { hint: string }).hint).toBe('services: db, cache, api, metrics, web, worker, docs');
  });
});
