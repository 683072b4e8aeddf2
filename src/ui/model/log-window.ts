/**
 * Which log lines the pane shows. Following, the pane shows the tail. Scrolled, it is anchored to
 * a line (by `seq`, which never changes) so new output does not move what the reader looks at;
 * reaching the end again resumes following. Only the visible window is ever materialized.
 */
import type { LogLine } from '../../protocol/stack.js';

export type LogScroll =
  | { readonly follow: true }
  /** `anchor`: the seq of the bottom visible line. */
  | { readonly follow: false; readonly anchor: number };

export const FOLLOW: LogScroll = { follow: true };

export interface LogWindow {
  readonly lines: readonly LogLine[];
  /** Index in the full list of the first visible line. */
  readonly first: number;
  /** Lines in the full list. */
  readonly total: number;
  /** Whether the last line is visible. */
  readonly atEnd: boolean;
}

/** Index of the last line whose seq is ≤ `seq` (-1 when none): lines are in seq order. */
export function indexAtOrBefore(lines: readonly LogLine[], seq: number): number {
  let low = 0;
  let high = lines.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (lines[mid]!.seq <= seq) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Index of the bottom visible line. */
export function bottomIndex(lines: readonly LogLine[], scroll: LogScroll, height: number): number {
  if (lines.length === 0) return -1;
  if (scroll.follow) return lines.length - 1;
  // An anchor older than the ring (evicted lines) pins the top of what is left.
  const index = indexAtOrBefore(lines, scroll.anchor);
  return Math.min(lines.length - 1, Math.max(index, Math.min(height, lines.length) - 1));
}

export function visibleLines(lines: readonly LogLine[], scroll: LogScroll, height: number): LogWindow {
  const bottom = bottomIndex(lines, scroll, height);
  const first = Math.max(0, bottom - height + 1);
  return {
    lines: lines.slice(first, bottom + 1),
    first,
    total: lines.length,
    atEnd: bottom === lines.length - 1,
  };
}

/** Moves the bottom line by `delta` (negative: up); reaching the end follows again. */
export function scrollBy(lines: readonly LogLine[], scroll: LogScroll, height: number, delta: number): LogScroll {
  if (lines.length === 0) return FOLLOW;
  const target = bottomIndex(lines, scroll, height) + delta;
  if (target >= lines.length - 1) return FOLLOW;
  const floor = Math.min(height, lines.length) - 1; // the top page: nothing above to show
  return { follow: false, anchor: lines[Math.max(floor, target)]!.seq };
}

/** The first page (g). */
export function scrollToTop(lines: readonly LogLine[], height: number): LogScroll {
  if (lines.length <= height) return FOLLOW;
  return { follow: false, anchor: lines[height - 1]!.seq };
}

/** Scrolls just enough to show line `index` (a search match), centring it when it was off screen. */
export function reveal(lines: readonly LogLine[], scroll: LogScroll, height: number, index: number): LogScroll {
  const bottom = bottomIndex(lines, scroll, height);
  const first = Math.max(0, bottom - height + 1);
  if (index >= first && index <= bottom) return scroll.follow ? { follow: false, anchor: lines[bottom]!.seq } : scroll;
  const target = Math.min(lines.length - 1, index + Math.floor(height / 2));
  return { follow: false, anchor: lines[Math.max(target, Math.min(height, lines.length) - 1)]!.seq };
}
