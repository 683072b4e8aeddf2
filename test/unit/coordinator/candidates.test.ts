import { describe, expect, it } from 'vitest';
import { candidates, type PortPolicy, skippedIn, skipReason } from '../../../src/coordinator/candidates.js';
import type { ServiceType } from '../../../src/protocol/service-types.js';

const dev: ServiceType = { name: 'dev', range: [3000, 3005], description: '' };
const policy = (over: Partial<PortPolicy> = {}): PortPolicy => ({
  types: new Map([['dev', dev]]),
  ephemeral: null,
  blocked: new Set(),
  ...over,
});
const list = (preferred: number | null, sticky: number | undefined, p: PortPolicy = policy()) => [
  ...candidates({ preferred }, dev, sticky, p),
];

describe('candidates', () => {
  it.each([
    {
      name: 'the range, lowest first',
      preferred: null,
      sticky: undefined,
      expected: [3000, 3001, 3002, 3003, 3004, 3005],
    },
    { name: 'sticky first', preferred: null, sticky: 3003, expected: [3003, 3000, 3001, 3002, 3004, 3005] },
    { name: 'preferred after sticky', preferred: 3001, sticky: 3004, expected: [3004, 3001, 3000, 3002, 3003, 3005] },
    {
      name: 'preferred outside the range',
      preferred: 5173,
      sticky: undefined,
      expected: [5173, 3000, 3001, 3002, 3003, 3004, 3005],
    },
    {
      name: 'a sticky port outside the range is ignored',
      preferred: null,
      sticky: 4000,
      expected: [3000, 3001, 3002, 3003, 3004, 3005],
    },
    {
      name: 'a sticky port equal to preferred counts once',
      preferred: 5173,
      sticky: 5173,
      expected: [5173, 3000, 3001, 3002, 3003, 3004, 3005],
    },
  ])('$name', ({ preferred, sticky, expected }) => {
    expect(list(preferred, sticky)).toEqual(expected);
  });

  it('skips browser-blocked and ephemeral ports of the range, but not when asked for by number', () => {
    const p = policy({ blocked: new Set([3001]), ephemeral: [3004, 3010] });
    expect(list(null, undefined, p)).toEqual([3000, 3002, 3003]);
    expect(list(3001, undefined, p)).toEqual([3001, 3000, 3002, 3003]);
    expect(list(null, 3004, p)).toEqual([3000, 3002, 3003]); // a sticky port now in the ephemeral range
    expect(skipReason(3001, p)).toBe('browser-blocked');
    expect(skipReason(3005, p)).toBe('ephemeral');
    expect(skipReason(3000, p)).toBeNull();
    expect(skippedIn(dev.range, p)).toBe(3);
  });
});
