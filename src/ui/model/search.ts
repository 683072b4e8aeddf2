/**
 * Moving between search matches. The pane starts at the tail, so a search looks backwards first,
 * like `?` in less: Enter goes to the newest match at or above the bottom of the pane, `n` to the
 * next older one, `N` to the next newer one; both wrap around.
 */
import type { LogLine } from '../../protocol/stack.js';
import type { Matcher } from '../text/highlight.js';
import { sanitizeLine, stripAnsi } from '../text/sanitize.js';

export type Direction = 'older' | 'newer';

/** The visible text of a log line (what search matches against). */
export function plainText(line: LogLine): string {
  return stripAnsi(sanitizeLine(line.text));
}

export interface MatchFound {
  readonly index: number;
  /** 1-based position among all matches, counting from the oldest. */
  readonly ordinal: number;
  readonly total: number;
  /** Whether the search went round the end of the list. */
  readonly wrapped: boolean;
}

/**
 * The next matching line from `from` in `direction`, `from` itself included when `inclusive`.
 * Scans the whole list once (bounded by the rings), so it runs on keys, never per frame.
 */
export function findMatch(
  lines: readonly LogLine[],
  matcher: Matcher,
  from: number,
  direction: Direction,
  inclusive: boolean,
): MatchFound | null {
  const matches: number[] = [];
  for (let i = 0; i < lines.length; i++) if (matcher.test(plainText(lines[i]!))) matches.push(i);
  if (matches.length === 0) return null;
  let pick = -1;
  let wrapped = false;
  if (direction === 'older') {
    for (let m = matches.length - 1; m >= 0; m--) {
      if (matches[m]! < from || (inclusive && matches[m] === from)) {
        pick = m;
        break;
      }
    }
    if (pick === -1) {
      pick = matches.length - 1;
      wrapped = true;
    }
  } else {
    pick = matches.findIndex((index) => index > from || (inclusive && index === from));
    if (pick === -1) {
      pick = 0;
      wrapped = true;
    }
  }
  return { index: matches[pick]!, ordinal: pick + 1, total: matches.length, wrapped };
}
