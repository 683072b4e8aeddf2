import { describe, expect, test } from 'vitest';
import type { LogLine } from '../../../src/protocol/stack.ts';
import {
  FOLLOW,
  indexAtOrBefore,
  reveal,
  scrollBy,
  scrollToTop,
  visibleLines,
} from '../../../src/ui/model/log-window.ts';

/** Lines with seqs 10, 20, … (gaps, as a focused service's lines have). */
const lines = (count: number): LogLine[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: (i + 1) * 10,
    service: 'a',
    stream: 'stdout',
    text: `l${i}`,
    time: 0,
  }));
const seqs = (window: { lines: readonly LogLine[] }) => window.lines.map((l) => l.seq);

describe('visibleLines', () => {
  test('following shows the tail', () => {
    expect(seqs(visibleLines(lines(10), FOLLOW, 3))).toEqual([80, 90, 100]);
    expect(visibleLines(lines(10), FOLLOW, 3)).toMatchObject({ first: 7, total: 10, atEnd: true });
  });

  test('anchored shows the lines up to the anchor, even when seqs have gaps', () => {
    expect(seqs(visibleLines(lines(10), { follow: false, anchor: 55 }, 3))).toEqual([30, 40, 50]);
  });

  test('an anchor older than the ring shows the top page', () => {
    expect(seqs(visibleLines(lines(10), { follow: false, anchor: 1 }, 3))).toEqual([10, 20, 30]);
  });

  test('fewer lines than rows, or none', () => {
    expect(seqs(visibleLines(lines(2), FOLLOW, 5))).toEqual([10, 20]);
    expect(visibleLines([], FOLLOW, 5)).toMatchObject({ lines: [], total: 0 });
  });

  test('indexAtOrBefore finds the last line at or before a seq', () => {
    const list = lines(5);
    expect([5, 10, 11, 50, 99].map((seq) => indexAtOrBefore(list, seq))).toEqual([-1, 0, 0, 4, 4]);
  });
});

describe('scrolling', () => {
  const list = lines(20);

  test('scrolling up anchors; back down to the end follows again', () => {
    const up = scrollBy(list, FOLLOW, 5, -4);
    expect(up).toEqual({ follow: false, anchor: 160 });
    expect(scrollBy(list, up, 5, 2)).toEqual({ follow: false, anchor: 180 });
    expect(scrollBy(list, up, 5, 4)).toEqual(FOLLOW);
    expect(scrollBy(list, up, 5, 100)).toEqual(FOLLOW);
  });

  test('scrolling up stops at the top page', () => {
    expect(scrollBy(list, FOLLOW, 5, -100)).toEqual({ follow: false, anchor: 50 });
  });

  test('g shows the first page; with everything on screen it just follows', () => {
    expect(scrollToTop(list, 5)).toEqual({ follow: false, anchor: 50 });
    expect(scrollToTop(lines(3), 5)).toEqual(FOLLOW);
  });

  test('reveal keeps a visible line in place (pausing), centres one off screen', () => {
    expect(reveal(list, FOLLOW, 5, 18)).toEqual({ follow: false, anchor: 200 });
    expect(reveal(list, FOLLOW, 5, 2)).toEqual({ follow: false, anchor: 50 });
    expect(seqs(visibleLines(list, reveal(list, FOLLOW, 5, 8), 5))).toEqual([70, 80, 90, 100, 110]);
  });
});
