import { describe, expect, it } from 'vitest';
import { mergeLayers, serviceSources, sourceOf } from '../../../src/config/merge-layers.js';
import { FILE, ROOT, resolve, resolveOk } from './fixtures.js';

const LOCAL = `${ROOT}/styxy.config.local.mjs`;
const MORE = `${ROOT}/more.json`;

describe('merge rules', () => {
  it.each([
    ['objects merge key by key', { a: { x: 1, y: 2 } }, { a: { y: 3, z: 4 } }, { a: { x: 1, y: 3, z: 4 } }],
    ['lists replace', { a: ['x', 'y'] }, { a: ['z'] }, { a: ['z'] }],
    ['null removes', { a: { x: 1, y: 2 } }, { a: { x: null } }, { a: { y: 2 } }],
    ['null of a missing key is nothing', { a: 1 }, { b: null }, { a: 1 }],
    ['a value replaces an object', { a: { x: 1 } }, { a: 'text' }, { a: 'text' }],
    ['an object replaces a value', { a: 'text' }, { a: { x: 1 } }, { a: { x: 1 } }],
    ['a string replaces a list', { a: ['node', 'x.js'] }, { a: 'node y.js' }, { a: 'node y.js' }],
    ['new keys are added', { a: 1 }, { b: { c: 2 } }, { a: 1, b: { c: 2 } }],
    ['an empty override changes nothing', { a: { x: 1 } }, {}, { a: { x: 1 } }],
  ])('%s', (_, base, over, expected) => {
    const merged = mergeLayers([
      { file: FILE, value: base },
      { file: LOCAL, value: over },
    ]);
    expect(merged.value).toEqual(expected);
  });

  it('later layers win over earlier ones (-c a -c b, then the local override)', () => {
    const merged = mergeLayers([
      { file: FILE, value: { a: 1, b: 1, c: 1 } },
      { file: MORE, value: { b: 2, c: 2 } },
      { file: LOCAL, value: { c: 3 } },
    ]);
    expect(merged.value).toEqual({ a: 1, b: 2, c: 3 });
    expect([sourceOf(merged.sources, 'a'), sourceOf(merged.sources, 'b'), sourceOf(merged.sources, 'c')]).toEqual([
      FILE,
      MORE,
      LOCAL,
    ]);
  });

  it('never writes through __proto__ and never mutates a layer', () => {
    const base = { env: { A: '1' } };
    const over = JSON.parse('{ "env": { "__proto__": { "polluted": true }, "B": "2" } }');
    const merged = mergeLayers([
      { file: FILE, value: base },
      { file: LOCAL, value: over },
    ]);
    expect(base).toEqual({ env: { A: '1' } });
    expect(Object.keys((merged.value as { env: object }).env)).toEqual(['A', '__proto__', 'B']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a cyclic override replaces instead of looping', () => {
    const over: Record<string, unknown> = { x: 1 };
    over.self = over;
    const merged = mergeLayers([
      { file: FILE, value: { a: { self: { y: 1 } } } },
      { file: LOCAL, value: { a: over } },
    ]);
    expect((merged.value as { a: { x: number } }).a.x).toBe(1);
  });
});

describe('where each value came from', () => {
  const layers = [
    {
      file: FILE,
      value: {
        services: {
          api: { command: 'node api.js', env: { A: '1', OLD: 'x' }, ports: { PORT: 'api' } },
          web: { command: 'vite' },
        },
      },
    },
    {
      file: LOCAL,
      value: { services: { api: { env: { A: '2', DEBUG: '1', OLD: null } }, docs: { command: 'docs' } } },
    },
  ];
  const merged = mergeLayers(layers);

  it.each([
    ['services.api.command', FILE],
    ['services.api.env.A', LOCAL],
    ['services.api.env.DEBUG', LOCAL],
    ['services.api.ports.PORT', FILE],
    ['services.api.ready', FILE], // not written: the service's file
    ['services.docs.command', LOCAL],
    ['services.docs.ports.PORT', LOCAL],
    ['services.web.command[0]', FILE],
  ])('%s is from %s', (path, file) => {
    expect(sourceOf(merged.sources, path)).toBe(file);
  });

  it('lists every leaf of a service, and what was removed', () => {
    expect(serviceSources(merged, 'api')).toEqual({
      values: { command: FILE, 'env.A': LOCAL, 'env.DEBUG': LOCAL, 'ports.PORT': FILE },
      removed: { 'env.OLD': LOCAL },
    });
  });

  it('the resolved config carries the layers and each service sources', () => {
    const result = resolve(merged.value);
    expect(result.ok).toBe(true);
    const config = resolveOk({ services: { api: { command: 'x' } } });
    expect(config.layers).toEqual([FILE]);
    expect(config.sources.api).toEqual({ values: { command: FILE }, removed: {} });
  });
});
