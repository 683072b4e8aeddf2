/**
 * How many terminal cells a grapheme takes: 0 for marks and invisible format characters, 2 for
 * East Asian wide/fullwidth characters and emoji presentation, else 1. Close to what terminals
 * (and Ink's string-width) do; Ink truncates each row again, so a rare disagreement costs one
 * cell, never a wrapped row.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/u;

/** Inclusive code point ranges of East Asian Wide and Fullwidth characters (the common blocks). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

export function graphemeWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x7f && grapheme.length === 1) return 1;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI.test(grapheme)) return 2;
  for (const [from, to] of WIDE) {
    if (code < from) break;
    if (code <= to) return 2;
  }
  return 1;
}

/** The graphemes of a run of text (no escapes), with a fast path for ASCII. */
export function graphemes(text: string): Iterable<string> {
  if (/^[\u0020-\u007e]*$/.test(text)) return text;
  return (function* () {
    for (const { segment } of segmenter.segment(text)) yield segment;
  })();
}

/** Visible width of text without escapes. */
export function textWidth(text: string): number {
  let width = 0;
  for (const grapheme of graphemes(text)) width += graphemeWidth(grapheme);
  return width;
}
