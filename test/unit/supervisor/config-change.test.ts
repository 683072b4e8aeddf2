import { describe, expect, it } from 'vitest';
import { planConfigChange, type ServiceFingerprint } from '../../../src/supervisor/config-change.js';

const prints = (entries: Record<string, [ports: string, definition: string]>) =>
  new Map<string, ServiceFingerprint>(
    Object.entries(entries).map(([name, [ports, definition]]) => [name, { ports, definition }]),
  );

describe('planConfigChange', () => {
  const before = prints({ db: ['p1', 'd1'], api: ['p2', 'd2'], web: ['p3', 'd3'] });
  it.each([
    [
      'nothing changed',
      prints({ db: ['p1', 'd1'], api: ['p2', 'd2'], web: ['p3', 'd3'] }),
      { kind: 'in-place', changed: [] },
    ],
    [
      'one definition changed',
      prints({ db: ['p1', 'd1'], api: ['p2', 'd2*'], web: ['p3', 'd3'] }),
      { kind: 'in-place', changed: [{ service: 'api', action: 'restarted' }] },
    ],
    [
      'a port request changed',
      prints({ db: ['p1', 'd1'], api: ['p2*', 'd2'], web: ['p3', 'd3'] }),
      {
        kind: 'restart-stack',
        changed: ['db', 'api', 'web'].map((service) => ({ service, action: 'restarted' })),
      },
    ],
    [
      'one removed, one added',
      prints({ db: ['p1', 'd1'], api: ['p2', 'd2'], worker: ['p4', 'd4'] }),
      {
        kind: 'restart-stack',
        changed: [
          { service: 'web', action: 'stopped' },
          { service: 'db', action: 'restarted' },
          { service: 'api', action: 'restarted' },
          { service: 'worker', action: 'started' },
        ],
      },
    ],
  ])('%s', (_name, after, plan) => {
    expect(planConfigChange(before, after)).toEqual(plan);
  });

  it('restarts the stack when told to (the shared services used changed)', () => {
    expect(planConfigChange(before, before, true).kind).toBe('restart-stack');
  });
});
