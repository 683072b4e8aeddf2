/**
 * Cuts a window of columns out of a sanitized line (see sanitize.ts) without ever splitting an
 * escape sequence or a wide character, and paints search matches into it. Colours that were
 * set before the window starts still apply inside it; the result always ends with a reset, so no
 * style leaks into the next cell of the screen.
 */
import { graphemes, graphemeWidth } from './width.js';

/** A range of the line's visible text (UTF-16 offsets into its escape-free text), to paint. */
export interface Mark {
  readonly start: number;
  readonly end: number;
  /** `current`: the match that n/N moved to. */
  readonly kind: 'match' | 'current';
}

export interface SliceOptions {
  /** First column (0-based) of the window. @default 0 */
  readonly start?: number;
  /** Columns in the window. */
  readonly width: number;
  /** Sorted, non-overlapping. */
  readonly marks?: readonly Mark[];
  /** False: the current match is marked without colour (bold, underlined, inverse). @default true */
  readonly colour?: boolean;
}

export interface Slice {
  /** The window's text with its escapes; at most `width` columns wide. */
  readonly text: string;
  /** Visible columns used. */
  readonly width: number;
  /** Whether visible text follows after the window. */
  readonly truncated: boolean;
}

const RESET = '\u001b[0m';
const MARK_STYLE: Record<Mark['kind'], string> = {
  match: '\u001b[7m', // inverse
  current: '\u001b[1;33;7m', // bold, inverse yellow: a yellow block
};
const MARK_STYLE_NO_COLOUR: Record<Mark['kind'], string> = {
  match: MARK_STYLE.match,
  current: '\u001b[1;4;7m', // bold, underlined, inverse
};
const TOKENS = /(\u001b\[[\d;]*m)/;

function isReset(sgr: string): boolean {
  return sgr === '\u001b[m' || sgr === '\u001b[0m';
}

export function sliceLine(line: string, options: SliceOptions): Slice {
  const start = options.start ?? 0;
  const end = start + Math.max(0, options.width);
  const marks = options.marks ?? [];
  const markStyle = options.colour === false ? MARK_STYLE_NO_COLOUR : MARK_STYLE;
  let out = '';
  let column = 0;
  let offset = 0; // into the escape-free text
  let active = ''; // SGR set since the last reset: replayed after a mark and at the window start
  let opened = false; // whether the window's first cell has been written
  let markIndex = 0;
  let painting: Mark['kind'] | null = null;
  let truncated = false;

  outer: for (const token of line.split(TOKENS)) {
    if (token === '') continue;
    if (token.startsWith('\u001b')) {
      active = isReset(token) ? '' : active + token;
      if (opened && painting === null) out += token;
      continue;
    }
    for (const grapheme of graphemes(token)) {
      const width = graphemeWidth(grapheme);
      while (markIndex < marks.length && marks[markIndex]!.end <= offset) markIndex++;
      const mark = marks[markIndex];
      const kind = mark && mark.start <= offset ? mark.kind : null;
      offset += grapheme.length;
      if (column + width <= start) {
        column += width;
        continue;
      }
      if (column + width > end) {
        if (width > 0) {
          truncated = true;
          break outer;
        }
        continue;
      }
      if (!opened) {
        opened = true;
        out += active;
      }
      if (kind !== painting) {
        if (painting !== null) out += RESET + active;
        if (kind !== null) out += markStyle[kind];
        painting = kind;
      }
      if (column < start) {
        // A wide character cut by the window's left edge: show the part inside as blank.
        out += ' '.repeat(column + width - start);
      } else {
        out += grapheme;
      }
      column += width;
    }
  }
  if (out.includes('\u001b')) out += RESET;
  return { text: out, width: Math.max(0, Math.min(column, end) - start), truncated };
}

/** `sliceLine` that ends with `…` when the line goes on past the window. */
export function fitLine(line: string, options: SliceOptions): Slice {
  const slice = sliceLine(line, options);
  if (!slice.truncated || options.width < 1) return slice;
  const shorter = sliceLine(line, { ...options, width: options.width - 1 });
  return { text: `${shorter.text}\u001b[2m…\u001b[22m`, width: shorter.width + 1, truncated: true };
}
