/**
 * Search matching on a line's visible text. Plain substrings (no regex: what people type into a
 * log search), smart case: case-insensitive unless the query has an upper-case letter.
 */
import type { Mark } from './slice.js';

export interface Matcher {
  readonly query: string;
  /** Whether `plain` (escape-free text) contains the query. */
  test(plain: string): boolean;
  /** Every occurrence in `plain`, as `current` marks on the line n/N moved to. */
  marks(plain: string, current?: boolean): Mark[];
}

export function matcherFor(query: string): Matcher | null {
  if (query === '') return null;
  const caseSensitive = query !== query.toLowerCase();
  const needle = caseSensitive ? query : query.toLowerCase();
  const fold = (text: string) => (caseSensitive ? text : text.toLowerCase());
  return {
    query,
    test: (plain) => fold(plain).includes(needle),
    marks(plain, current = false) {
      const hay = fold(plain);
      const marks: Mark[] = [];
      // toLowerCase can change lengths for a few scripts; offsets then stay approximate, which
      // only shifts a highlight, never a cut (slicing works on graphemes).
      for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) {
        marks.push({ start: at, end: at + needle.length, kind: current ? 'current' : 'match' });
      }
      return marks;
    },
  };
}
