import { describe, expect, it } from 'vitest';
import { findCycles, startOrder } from '../../../src/config/start-order.js';

const graph = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

describe('startOrder', () => {
  it.each([
    ['no dependencies: written order', { b: [], a: [], c: [] }, ['b', 'a', 'c']],
    ['a chain, written backwards', { web: ['api'], api: ['db'], db: [] }, ['db', 'api', 'web']],
    ['ties stay in written order', { web: ['api'], api: [], docs: [], db: [] }, ['api', 'web', 'docs', 'db']],
    [
      'a diamond',
      { app: ['left', 'right'], left: ['base'], right: ['base'], base: [] },
      ['base', 'left', 'right', 'app'],
    ],
  ])('%s', (_, entries, order) => {
    expect(startOrder(graph(entries))).toEqual({ ok: true, order });
  });

  it('reports cycles instead of an order', () => {
    expect(startOrder(graph({ api: ['worker'], worker: ['api'] }))).toEqual({
      ok: false,
      cycles: [['api', 'worker', 'api']],
    });
  });
});

describe('findCycles', () => {
  it.each([
    ['none', { a: ['b'], b: [] }, []],
    ['two services', { api: ['worker'], worker: ['api'] }, [['api', 'worker', 'api']]],
    ['written from the earliest-written service', { x: [], c: ['a'], a: ['b'], b: ['c'] }, [['c', 'a', 'b', 'c']]],
    [
      'two separate cycles',
      { a: ['b'], b: ['a'], c: ['d'], d: ['c'] },
      [
        ['a', 'b', 'a'],
        ['c', 'd', 'c'],
      ],
    ],
    [
      'two cycles through one service',
      { hub: ['a', 'b'], a: ['hub'], b: ['hub'] },
      [
        ['hub', 'a', 'hub'],
        ['hub', 'b', 'hub'],
      ],
    ],
  ])('%s', (_, entries, cycles) => {
    expect(findCycles(graph(entries))).toEqual(cycles);
  });
});
