import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { logRow } from '../../../src/ui/model/log-rows.ts';
import { fitCell } from '../../../src/ui/text/fit.ts';
import { matcherFor } from '../../../src/ui/text/highlight.ts';
import { sanitizeLine, stripAnsi } from '../../../src/ui/text/sanitize.ts';
import { fitLine, sliceLine } from '../../../src/ui/text/slice.ts';
import { graphemeWidth, textWidth } from '../../../src/ui/text/width.ts';

const ESC = '\u001b';
const GREEN = `${ESC}[32m`;
const RESET = `${ESC}[0m`;
/** Every escape in `text` is a complete SGR sequence. */
const onlyWholeSgr = (text: string) => text.replace(/\u001b\[[\d;]*m/g, '').includes(ESC) === false;

describe('sanitizeLine', () => {
  test.each([
    ['plain text', 'plain text'],
    ['keeps colours', `${GREEN}ok${RESET}`, `${GREEN}ok${RESET}`],
    ['drops cursor moves and clears', `a${ESC}[2J${ESC}[H${ESC}[1Ab`, 'ab'],
    ['drops private modes (alternate screen, cursor)', `${ESC}[?1049h${ESC}[?25lx`, 'x'],
    ['drops OSC titles (BEL and ST ends)', `${ESC}]0;title\u0007a${ESC}]8;;http://x${ESC}\\b`, 'ab'],
    ['drops SGR with colon parameters', `${ESC}[4:3mx`, 'x'],
    ['keeps what \\r drew last', 'progress 10%\rprogress 90%', 'progress 90%'],
    ['ignores a trailing \\r (CRLF)', 'line\r', 'line'],
    ['drops control characters', 'a\u0007b\u0000c\u007fd', 'abcd'],
    ['expands tabs to stops of 8', 'a\tb\u00e9\tc', 'a       bé      c'],
  ])('%s', (_name, input, expected = input) => {
    expect(sanitizeLine(input)).toBe(expected);
  });
});

describe('widths', () => {
  test.each([
    ['a', 1],
    ['表', 2],
    ['😀', 2],
    ['e\u0301', 1],
    ['\u200b', 0],
    ['👩‍💻', 2],
  ])('%s is %i wide', (grapheme, width) => {
    expect(graphemeWidth(grapheme)).toBe(width);
  });

  test('textWidth counts visible cells', () => {
    expect(textWidth('ab表😀')).toBe(6);
  });
});

describe('sliceLine', () => {
  test('cuts a window of columns, carrying the colour set before it', () => {
    const line = `ab${GREEN}cdef${RESET}gh`;
    const slice = sliceLine(line, { start: 3, width: 4 });
    expect(stripAnsi(slice.text)).toBe('defg');
    expect(slice.text.startsWith(GREEN)).toBe(true);
    expect(slice.text.endsWith(RESET)).toBe(true);
    expect(slice).toMatchObject({ width: 4, truncated: true });
  });

  test('never splits a wide character: a cut half becomes a space', () => {
    expect(stripAnsi(sliceLine('表示x', { start: 1, width: 3 }).text)).toBe(' 示');
    const end = sliceLine('a表', { width: 2 });
    expect(stripAnsi(end.text)).toBe('a');
    expect(end).toMatchObject({ width: 1, truncated: true });
  });

  test('paints marks, and restores the line colour after them', () => {
    const text = `${GREEN}find the needle here${RESET}`;
    const marks = matcherFor('needle')!.marks(stripAnsi(text));
    const slice = sliceLine(text, { width: 40, marks });
    expect(slice.text).toContain(`${ESC}[7mneedle${RESET}${GREEN} here`);
    const current = sliceLine(text, { width: 40, marks: matcherFor('needle')!.marks(stripAnsi(text), true) });
    expect(current.text).toContain(`${ESC}[1;33;7mneedle`);
  });

  test('without colour (NO_COLOR), the current match is bold, underlined and inverse, not yellow', () => {
    const marks = matcherFor('needle')!.marks('a needle', true);
    expect(sliceLine('a needle', { width: 40, marks, colour: false }).text).toBe(`a ${ESC}[1;4;7mneedle${RESET}`);
  });

  test("without colour, a log row drops the line's own colours", () => {
    const line = { seq: 1, service: 'api', stream: 'stdout' as const, time: 0, text: `${GREEN}ok${RESET} done` };
    const options = { width: 40, nameWidth: 3, pan: 0, matcher: null, currentSeq: null };
    expect(logRow(line, options).text).toContain(`${GREEN}ok`);
    expect(logRow(line, { ...options, colour: false }).text).toBe('ok done');
  });

  test('fitLine ends a cut line with …', () => {
    const slice = fitLine('0123456789', { width: 5 });
    expect(stripAnsi(slice.text)).toBe('0123…');
    expect(slice.width).toBe(5);
    expect(fitLine('0123', { width: 5 }).text).toBe('0123');
  });

  test('fitCell pads or cuts to the exact width', () => {
    expect(fitCell('ab', 4)).toBe('ab  ');
    expect(fitCell('ab', 4, 'right')).toBe('  ab');
    expect(stripAnsi(fitCell('abcdef', 4))).toBe('abc…');
  });

  const styled = fc
    .array(
      fc.oneof(
        fc.constantFrom(GREEN, RESET, `${ESC}[1;31m`, `${ESC}[m`),
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-'), maxLength: 8 }),
        fc.constantFrom('表', '😀', 'é'),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(''));

  test('any window fits its width and holds only whole escape sequences', () => {
    fc.assert(
      fc.property(styled, fc.nat(30), fc.nat(30), (line, start, width) => {
        const slice = sliceLine(line, { start, width });
        expect(textWidth(stripAnsi(slice.text))).toBeLessThanOrEqual(width);
        expect(slice.width).toBe(textWidth(stripAnsi(slice.text)));
        expect(onlyWholeSgr(slice.text)).toBe(true);
      }),
    );
  });

  test('on single-width text, windows are exactly the visible text sliced', () => {
    const ascii = styled.map((line) => line.replace(/[表😀é]/gu, 'x'));
    fc.assert(
      fc.property(ascii, fc.nat(30), fc.nat(30), (line, start, width) => {
        expect(stripAnsi(sliceLine(line, { start, width }).text)).toBe(stripAnsi(line).slice(start, start + width));
      }),
    );
  });
});

describe('matcherFor', () => {
  test('smart case: lower-case queries ignore case, others do not', () => {
    expect(matcherFor('err')!.test('An ERROR')).toBe(true);
    expect(matcherFor('Err')!.test('An ERROR')).toBe(false);
    expect(matcherFor('Err')!.test('Err: x')).toBe(true);
    expect(matcherFor('')).toBeNull();
  });

  test('marks every occurrence', () => {
    expect(matcherFor('ab')!.marks('ab-AB-ab')).toEqual([
      { start: 0, end: 2, kind: 'match' },
      { start: 3, end: 5, kind: 'match' },
      { start: 6, end: 8, kind: 'match' },
    ]);
  });
});
