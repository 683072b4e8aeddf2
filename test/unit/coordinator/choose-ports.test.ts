import { describe, expect, it } from 'vitest';
import type { PortPolicy } from '../../../src/coordinator/candidates.js';
import { type ChooseInput, choosePorts } from '../../../src/coordinator/choose-ports.js';
import type { LeaseRecord } from '../../../src/coordinator/registry.js';
import type { ServiceType } from '../../../src/protocol/service-types.js';
import { portRequest as req } from '../../helpers/fake-coordinator.js';

const types = new Map<string, ServiceType>([
  ['dev', { name: 'dev', range: [3000, 3003], description: '' }],
  ['api', { name: 'api', range: [8000, 8001], description: '' }],
]);
const policy: PortPolicy = { types, ephemeral: null, blocked: new Set() };

function lease(port: number, owner = 'other'): LeaseRecord {
  return { port, type: 'dev', service: 's', portName: 'PORT', stackId: null, owner, since: 0, stickyKey: 'k' };
}

interface Case {
  name: string;
  requests: ReturnType<typeof req>[];
  leased?: number[];
  busy?: number[];
  sticky?: Record<string, number>;
  expected: number[] | { kind: string; port?: number };
}

const cases: Case[] = [
  {
    name: 'lowest free ports in order',
    requests: [req('web', 'PORT', 'dev'), req('web', 'HMR', 'dev')],
    expected: [3000, 3001],
  },
  { name: 'leased ports are skipped', requests: [req('web', 'PORT', 'dev')], leased: [3000, 3001], expected: [3002] },
  {
    name: 'ports other programs hold are skipped',
    requests: [req('web', 'PORT', 'dev')],
    busy: [3000],
    expected: [3001],
  },
  { name: 'preferred when free', requests: [req('web', 'PORT', 'dev', { preferred: 3002 })], expected: [3002] },
  {
    name: 'preferred taken: the range',
    requests: [req('web', 'PORT', 'dev', { preferred: 3002 })],
    busy: [3002],
    expected: [3000],
  },
  {
    name: 'sticky before preferred',
    requests: [req('web', 'PORT', 'dev', { preferred: 3002 })],
    sticky: { 'web/PORT': 3003 },
    expected: [3003],
  },
  {
    name: 'sticky taken: preferred',
    requests: [req('web', 'PORT', 'dev', { preferred: 3002 })],
    sticky: { 'web/PORT': 3003 },
    leased: [3003],
    expected: [3002],
  },
  { name: 'fixed', requests: [req('db', 'PORT', null, { fixed: 5432 })], expected: [5432] },
  {
    name: 'fixed and leased',
    requests: [req('db', 'PORT', null, { fixed: 3000 })],
    leased: [3000],
    expected: { kind: 'fixed-leased', port: 3000 },
  },
  {
    name: 'fixed and busy',
    requests: [req('db', 'PORT', null, { fixed: 5432 })],
    busy: [5432],
    expected: { kind: 'fixed-busy', port: 5432 },
  },
  {
    name: 'a fixed port twice in one batch',
    requests: [req('a', 'PORT', null, { fixed: 5432 }), req('b', 'PORT', null, { fixed: 5432 })],
    expected: { kind: 'duplicate', port: 5432 },
  },
  {
    name: 'a fixed port first, then the range around it',
    requests: [req('a', 'PORT', null, { fixed: 3000 }), req('b', 'PORT', 'dev')],
    expected: [3000, 3001],
  },
  {
    name: 'unknown type, before any probe',
    requests: [req('web', 'PORT', 'dev'), req('x', 'PORT', 'nope')],
    expected: { kind: 'unknown-type' },
  },
  {
    name: 'range exhausted',
    requests: [req('a', 'PORT', 'api'), req('b', 'PORT', 'api'), req('c', 'PORT', 'api')],
    expected: { kind: 'exhausted' },
  },
  {
    name: 'exhausted by leases and programs',
    requests: [req('a', 'PORT', 'api')],
    leased: [8000],
    busy: [8001],
    expected: { kind: 'exhausted' },
  },
];

describe('choosePorts', () => {
  it.each(cases)('$name', async ({ requests, leased = [], busy = [], sticky = {}, expected }) => {
    const probed: number[] = [];
    const input: ChooseInput = {
      requests,
      policy,
      leaseOf: (port) => (leased.includes(port) ? lease(port) : undefined),
      stickyOf: (request) => sticky[`${request.service}/${request.portName}`],
    };
    const result = await choosePorts(input, async (port) => {
      probed.push(port);
      return !busy.includes(port);
    });
    if (Array.isArray(expected)) {
      expect(result).toEqual({ ok: true, ports: expected });
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.failure.kind).toBe(expected.kind);
      if (expected.port !== undefined) expect((result.failure as { port: number }).port).toBe(expected.port);
    }
    // Leased ports are never probed: the table answers first.
    for (const port of leased) expect(probed).not.toContain(port);
    if (Array.isArray(expected) || expected.kind !== 'unknown-type') return;
    expect(probed).toEqual([]);
  });

  it('names what filled an exhausted range', async () => {
    const result = await choosePorts(
      {
        requests: [req('a', 'PORT', 'dev'), req('b', 'PORT', 'dev')],
        policy: { ...policy, blocked: new Set([3003]) },
        leaseOf: (port) => (port === 3000 ? lease(3000) : undefined),
        stickyOf: () => undefined,
      },
      async (port) => port !== 3001,
    );
    expect(result.ok).toBe(false);
    if (result.ok || result.failure.kind !== 'exhausted') throw new Error('expected exhausted');
    expect(result.failure.leased.map((l) => l.port)).toEqual([3000]);
    expect(result.failure.busy).toEqual([3001]);
    expect(result.failure.skipped).toBe(1);
    expect(result.failure.batch).toBe(1); // 3002 went to "a"
    expect(result.failure.request.service).toBe('b');
  });
});
