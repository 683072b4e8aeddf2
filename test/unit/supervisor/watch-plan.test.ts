import { describe, expect, it } from 'vitest';
import { describeChange, patternBase, watchPlan } from '../../../src/supervisor/watch-plan.js';

const CWD = '/p/api';
const plan = (paths: string[], ignore: string[] = []) => watchPlan({ paths, ignore, debounceMs: 300 }, CWD);

describe('watch plan', () => {
  it.each([
    ['src/**/*.ts', 'src'],
    ['**/*.ts', '.'],
    ['src/*/index.{ts,tsx}', 'src'],
    ['package.json', 'package.json'],
    ['../shared/lib/**', '../shared/lib'],
  ])('the folder watched for %s is %s', (pattern, base) => {
    expect(patternBase(pattern)).toBe(base);
  });

  it('watches each base once, and none inside another', () => {
    expect(plan(['src/**/*.ts', 'src/lib/*.json', 'config/*.yml', '../shared/**']).roots).toEqual([
      '/p/api/config',
      '/p/api/src',
      '/p/shared',
    ]);
    expect(plan(['**/*.ts', 'src/**']).roots).toEqual(['/p/api']);
  });

  it.each([
    [['src/**/*.ts'], [], 'src/app.ts', true],
    [['src/**/*.ts'], [], 'src/deep/er/app.ts', true],
    [['src/**/*.ts'], [], 'src/app.js', false],
    [['src/**/*.ts'], ['**/*.test.ts'], 'src/app.test.ts', false],
    [['src'], [], 'src/any/file.txt', true],
    [['**/*.ts'], [], 'node_modules/pkg/index.ts', false],
    [['**/*.ts'], [], 'packages/a/node_modules/pkg/index.ts', false],
    [['**/*'], [], '.git/HEAD', false],
    [['node_modules/my-lib/**'], [], 'node_modules/my-lib/index.js', true],
    [['**/*.ts'], ['dist'], 'dist/app.ts', false],
    [['package.json'], [], 'package.json', true],
    [['../shared/**/*.ts'], [], '../shared/util.ts', true],
  ])('paths %j, ignore %j: %s restarts → %s', (paths, ignore, file, expected) => {
    expect(plan(paths, ignore).matches(`${CWD}/${file}`)).toBe(expected);
  });

  it('prunes node_modules, .git and ignored folders (never entered), but never the watched folder itself', () => {
    const p = plan(['**/*.ts'], ['dist']);
    expect(p.prunes('/p/api/node_modules')).toBe(true);
    expect(p.prunes('/p/api/a/.git')).toBe(true);
    expect(p.prunes('/p/api/dist')).toBe(true);
    expect(p.prunes('/p/api/src')).toBe(false);
    expect(p.prunes('/p/api')).toBe(false);
  });

  it.each([
    [['src/app.ts'], 'src/app.ts changed'],
    [['src/a.ts', 'src/b.ts'], 'src/a.ts and 1 more file changed'],
    [['a', 'b', 'c'], 'a and 2 more files changed'],
  ])('describes %j as "%s"', (files, text) => {
    expect(describeChange(files)).toBe(text);
  });
});
