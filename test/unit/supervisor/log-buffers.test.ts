import { describe, expect, it } from 'vitest';
import { CUT_MARK, LineSplitter } from '../../../src/supervisor/line-splitter.js';
import { Ring } from '../../../src/supervisor/log-ring.js';
import { LogStore } from '../../../src/supervisor/log-store.js';

function split(chunks: (string | Buffer)[], max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it.each([
    [['a\nb\n'], ['a', 'b']],
    [
      ['a', 'b\nc'],
      ['ab', 'c'],
    ],
    [['a\r\nb\r\n'], ['a', 'b']],
    [['\n\n'], ['', '']],
    [['no newline at the end'], ['no newline at the end']],
    [[], []],
  ])('%j → %j', (chunks, lines) => {
    expect(split(chunks)).toEqual(lines);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = Buffer.from('héllo → wörld\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)])).toEqual(['héllo → wörld']);
  });

  it('cuts a long line at the limit, drops the rest of it, and goes on with the next', () => {
    expect(split(['abcdefghij\nok\n'], 4)).toEqual([`abcd${CUT_MARK}`, 'ok']);
    expect(split(['abc', 'def', 'ghi', 'jk\nok'], 4)).toEqual([`abcd${CUT_MARK}`, 'ok']);
  });
});

describe('Ring', () => {
  it('keeps the newest items, oldest first', () => {
    const ring = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.toArray(2)).toEqual([4, 5]);
    expect(ring.at(0)).toBe(3);
    expect(ring.at(3)).toBeUndefined();
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});

describe('LogStore', () => {
  it('numbers lines stack-wide and interleaves services by seq, newest `limit`', () => {
    const seen: number[] = [];
    const store = new LogStore(['a', 'b'], { ringSize: 3, now: () => 7, onLine: (line) => seen.push(line.seq) });
    store.append('a', 'stdout', 'a1');
    store.append('b', 'stdout', 'b1');
    store.append('a', 'stderr', 'a2');
    store.append('a', 'styxy', 'a3');
    store.append('a', 'stdout', 'a4'); // a1 leaves a's ring
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(store.lines().map((line) => line.text)).toEqual(['b1', 'a2', 'a3', 'a4']);
    expect(store.lines(undefined, 2).map((line) => line.text)).toEqual(['a3', 'a4']);
    expect(store.lines('b')).toEqual([{ seq: 2, service: 'b', stream: 'stdout', text: 'b1', time: 7 }]);
    expect(store.lines('nope')).toEqual([]);
    expect(store.since('a', 4).map((line) => line.text)).toEqual(['a3', 'a4']);
    expect(store.nextSeq).toBe(6);
  });
});
