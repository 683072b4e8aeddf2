import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { DEFAULT_TYPES, loadServiceTypes } from '../../../src/protocol/service-types.js';
import { makeTestHome, type TestHome } from '../../helpers/home.js';

describe('service types', () => {
  let home: TestHome | undefined;
  afterEach(() => home?.cleanup());

  it('has the 17 default types of docs/architecture.md', () => {
    expect(DEFAULT_TYPES).toHaveLength(17);
    expect(DEFAULT_TYPES.find((type) => type.name === 'api')?.range).toEqual([8000, 8099]);
    expect(DEFAULT_TYPES.find((type) => type.name === 'messaging')?.range).toEqual([9050, 9098]);
  });

  it('uses the defaults when config.json is missing', () => {
    expect(loadServiceTypes('/nonexistent/config.json')).toEqual(DEFAULT_TYPES);
  });

  it('overrides default ranges and adds types from config.json', () => {
    home = makeTestHome({ extraTypes: { grpc: 3 } });
    const types = loadServiceTypes(join(home.home, 'config.json'));
    const dev = types.find((type) => type.name === 'dev');
    expect(dev?.range).toEqual(home.ranges.dev);
    expect(dev?.description).toMatch(/front-end/);
    expect(types.at(-1)).toMatchObject({ name: 'grpc', range: home.ranges.grpc, description: '' });
  });

  it.each([
    ['not json', '{', /not valid JSON/],
    ['bad range order', '{"types":{"x":{"range":[10,5]}}}', /types\.x\.range/],
    ['unknown key', '{"types":{"x":{"range":[1,2],"rnage":1}}}', /types\.x/],
    ['bad name', '{"types":{"Bad Name":{"range":[1,2]}}}', /lower-case letters/],
    ['FIFO', null, /a FIFO \(named pipe\), not a regular file/],
  ])('rejects %s with a clear error', (_label, text, pattern) => {
    home = makeTestHome();
    const file = join(home.home, 'config.json');
    // A FIFO would block a plain read forever (the coordinator's, doctor's).
    if (text === null) {
      rmSync(file, { force: true }); // the test home's own config.json
      execFileSync('mkfifo', [file]);
    } else writeFileSync(file, text);
    try {
      loadServiceTypes(file);
      expect.unreachable();
    } catch (error) {
      expect(isStyxyError(error)).toBe(true);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).toContain(file);
    }
  });
});
