import { describe, expect, it } from 'vitest';
import { closest, editDistance, quoteList } from '../../../src/config/suggest.js';

describe('suggestions', () => {
  it.each([
    ['dependOn', ['command', 'dependsOn', 'ports'], 'dependsOn'],
    ['comand', ['command', 'cwd'], 'command'],
    ['Ports', ['ports', 'env'], 'ports'],
    ['on-fail', ['no', 'on-failure', 'always'], 'on-failure'],
    ['redy', ['started', 'ready', 'completed'], 'ready'],
    ['SIGTREM', ['SIGHUP', 'SIGTERM'], 'SIGTERM'],
    ['xyz', ['command', 'dependsOn'], undefined],
    ['a', ['b', 'cwd'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
  ])('editDistance(%s, %s) = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('quotes lists', () => {
    expect(quoteList(['a'])).toBe('"a"');
    expect(quoteList(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
    expect(quoteList(['a', 'b'], 'and')).toBe('"a" and "b"');
  });
});
