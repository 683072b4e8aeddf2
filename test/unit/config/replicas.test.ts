import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/config/interpolate.js';
import { selectServices } from '../../../src/config/select-services.js';
import { problemsOf, resolveOk } from './fixtures.js';

const worker = (replicas?: number) => ({
  command: 'node worker.js',
  ports: { PORT: 'api' },
  ...(replicas === undefined ? {} : { replicas }),
});

describe('replicas resolve as documented', () => {
  it.each([
    ['not written: one service, no STYXY_REPLICA', undefined, [['worker', undefined]]],
    ['1: one service, named as written, STYXY_REPLICA=1', 1, [['worker', '1']]],
    [
      '3: worker#1..worker#3, each its STYXY_REPLICA',
      3,
      [
        ['worker#1', '1'],
        ['worker#2', '2'],
        ['worker#3', '3'],
      ],
    ],
  ])('replicas %s', (_, replicas, expected) => {
    const config = resolveOk({ services: { worker: worker(replicas) } });
    expect(config.services.map((service) => [service.name, service.env.STYXY_REPLICA])).toEqual(expected);
    for (const service of config.services)
      expect(service.ports).toEqual({ PORT: { type: 'api', preferred: null, fixed: null } });
  });

  it('copies sit where the service is in start order, and a dependency on them waits for every copy', () => {
    const config = resolveOk({
      services: {
        web: { command: 'x', dependsOn: { worker: { condition: 'started', restart: true } } },
        worker: { ...worker(2), dependsOn: ['db'] },
        db: { command: 'x' },
      },
    });
    expect(config.services.map((service) => [service.name, service.dependsOn])).toEqual([
      ['db', {}],
      ['worker#1', { db: 'ready' }],
      ['worker#2', { db: 'ready' }],
      ['web', { 'worker#1': 'started', 'worker#2': 'started' }],
    ]);
    expect(config.services.at(-1)!.restartsWith).toEqual(['worker#1', 'worker#2']);
    expect(config.sources['worker#2']).toEqual(config.sources['worker#1']);
  });

  it.each([
    ['${worker.PORT} is the first copy', '${worker.PORT}', '4001'],
    ['${worker#2.PORT} a given copy', '${worker#2.PORT}', '4002'],
    ['${db#1.PORT} of a single service is the service', '${db#1.PORT}', '5432'],
  ])('interpolate: %s', (_, template, expected) => {
    const ports = { 'worker#1': { PORT: 4001 }, 'worker#2': { PORT: 4002 }, db: { PORT: 5432 } };
    expect(interpolate(template, ports)).toBe(expected);
  });

  it.each([
    ['replicas: 0', { worker: worker(0) }, /services\.worker\.replicas: /],
    ['replicas: 1.5', { worker: worker(1.5) }, /services\.worker\.replicas: /],
    ['replicas: "3"', { worker: { ...worker(), replicas: '3' } }, /services\.worker\.replicas: .*found "3"/],
    ['replicas: 65', { worker: worker(65) }, /services\.worker\.replicas: /],
    [
      'a fixed port with copies',
      { worker: { command: 'x', ports: { PORT: { fixed: 5432 } }, replicas: 2 } },
      /^services\.worker\.replicas: 2 copies cannot share the fixed port 5432 \(ports\.PORT\)/,
    ],
    [
      'a reference past the last copy',
      { worker: worker(2), web: { command: 'x ${worker#3.PORT}' } },
      /^services\.web\.command: \$\{worker#3\.PORT\}: "worker" runs 2 copies \(worker#1 to worker#2\)$/,
    ],
    [
      'a copy of a service without replicas',
      { worker: worker(), web: { command: 'x ${worker#2.PORT}' } },
      /^services\.web\.command: \$\{worker#2\.PORT\}: "worker" runs one copy$/,
    ],
    [
      'a copy that reads like another service in variables',
      { worker: worker(2), worker_2: { command: 'x' } },
      /^services\.worker_2: "worker_2" and "worker#2" are the same name in environment variables/,
    ],
  ])('%s is a problem', (_, services, expected) => {
    expect(problemsOf({ services })).toContainEqual(expect.stringMatching(expected));
  });

  it('counts copies against the stack caps', () => {
    const services = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`w${i}`, { ...worker(64) }]));
    expect(problemsOf({ services })).toContainEqual(
      expect.stringMatching(/a stack has at most 1024 services; this one has 1280 \(replicas counted\)/),
    );
  });

  it('styxy up worker starts every copy; a reference to worker needs its first copy', () => {
    const config = resolveOk({
      services: { worker: worker(3), web: { command: 'x ${worker.PORT}' }, docs: { command: 'x ${worker#2.PORT}' } },
    });
    const names = (picked: string[]) => selectServices(config, picked).map((service) => service.name);
    expect(names(['worker'])).toEqual(['worker#1', 'worker#2', 'worker#3']);
    expect(names(['worker#2'])).toEqual(['worker#2']);
    expect(names(['web'])).toEqual(['worker#1', 'web']);
    expect(names(['docs'])).toEqual(['worker#2', 'docs']);
  });
});
