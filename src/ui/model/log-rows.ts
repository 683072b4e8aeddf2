/**
 * The log pane's rows as text: a coloured service prefix (when showing all services) and the
 * line, sanitized, searched, cut to the pane. Sanitized text is cached per line object (lines of
 * the view's rings are immutable), so a redraw costs only the visible window.
 */
import type { LogLine } from '../../protocol/stack.js';
import { fitCell } from '../text/fit.js';
import type { Matcher } from '../text/highlight.js';
import { sanitizeLine, stripAnsi } from '../text/sanitize.js';
import { fitLine } from '../text/slice.js';

const sanitized = new WeakMap<LogLine, string>();
const uncoloured = new WeakMap<LogLine, string>();

export function sanitizedText(line: LogLine): string {
  let text = sanitized.get(line);
  if (text === undefined) {
    text = sanitizeLine(line.text);
    sanitized.set(line, text);
  }
  return text;
}

/** The sanitized line without its own colours (and other styling), for a UI drawn without colour. */
function uncolouredText(line: LogLine): string {
  let text = uncoloured.get(line);
  if (text === undefined) {
    text = stripAnsi(sanitizedText(line));
    uncoloured.set(line, text);
  }
  return text;
}

export interface LogRow {
  readonly key: number;
  /** The padded service name and separator ('' when one service is focused). */
  readonly prefix: string;
  readonly service: string;
  readonly text: string;
  /** Styxy's own lifecycle notes are shown dim. */
  readonly dim: boolean;
}

export interface RowOptions {
  readonly width: number;
  /** Width of the name in the prefix; 0 for no prefix. */
  readonly nameWidth: number;
  readonly pan: number;
  readonly matcher: Matcher | null;
  readonly currentSeq: number | null;
  /** False: the line's own colours are dropped and search marks use no colour. @default true */
  readonly colour?: boolean;
}

/**
 * ASCII, like the plain output's: a row that is all ASCII is measured by Ink at once, one with a
 * box-drawing character goes through a grapheme segmenter, several times a frame (a third of
 * the UI's cost while lines flood in).
 */
export const PREFIX_SEPARATOR = ' | ';

export function logRow(line: LogLine, options: RowOptions): LogRow {
  const prefix = options.nameWidth > 0 ? fitCell(line.service, options.nameWidth) + PREFIX_SEPARATOR : '';
  const textWidth = Math.max(
    0,
    options.width - (options.nameWidth > 0 ? options.nameWidth + PREFIX_SEPARATOR.length : 0),
  );
  const colour = options.colour ?? true;
  const text = colour ? sanitizedText(line) : uncolouredText(line);
  const marks = options.matcher?.marks(stripAnsi(text), line.seq === options.currentSeq);
  const slice = fitLine(text, { start: options.pan, width: textWidth, marks, colour });
  // An empty row still takes its row (an empty Text would collapse and shift the pane).
  const shown = slice.width === 0 ? ' ' : slice.text;
  return { key: line.seq, prefix, service: line.service, text: shown, dim: line.stream === 'styxy' };
}

/** Width of the name in prefixes: the longest service name, capped so lines keep their room. */
export function prefixWidth(names: readonly string[], width: number): number {
  const longest = names.reduce((max, name) => Math.max(max, name.length), 0);
  return Math.max(1, Math.min(longest, 16, Math.floor(width / 4)));
}
