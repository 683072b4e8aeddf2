/**
 * Makes a service's output line safe to draw inside the UI: only SGR styling (colours, bold…)
 * survives. Cursor moves, screen clears, mode switches, OSC titles or clipboard writes would
 * otherwise reach the terminal and break the layout — or outlive the UI. The line's own text
 * and colours are kept; `\r` keeps what a terminal would show last; tabs become spaces.
 */

/**
 * CSI (7-bit or C1), OSC (to BEL or ST, 7-bit or C1), DCS/SOS/PM/APC strings (7-bit or C1), and
 * two-byte escapes.
 */
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
/** An SGR sequence our slicer understands (semicolon parameters only). */
const SGR = /^\u001b\[[\d;]*m$/;
/** C0 controls except tab and ESC, DEL and C1 controls. */
const CONTROLS = /[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f-\u009f]/g;
const TAB_STOP = 8;

/** Returns `text` with only SGR escapes left and no control characters (tabs expanded). */
export function sanitizeLine(text: string): string {
  let line = text;
  if (line.includes('\r')) line = afterLastCarriageReturn(line);
  // Fast path: plain printable ASCII, the common case for log lines.
  if (/^[\u0020-\u007e]*$/.test(line)) return line;
  line = line.replace(ESCAPES, (sequence) => (SGR.test(sequence) ? sequence : ''));
  line = line.replace(CONTROLS, '');
  return line.includes('\t') ? expandTabs(line) : line;
}

/** Drops every escape sequence: the visible text, for searching and measuring. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, '');
}

/** C0 controls but tab (ESC included), DEL and C1 controls. */
const NOT_PLAIN = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/**
 * The line as plain text, for a reader that is not a terminal (a file, a pipe, NO_COLOR): no
 * escape sequences and no control characters but tabs; `\r` keeps what a terminal would show
 * last. Nothing of a service's output can then ring, retitle, move or clear whatever shows it.
 */
export function plainText(text: string): string {
  const line = text.includes('\r') ? afterLastCarriageReturn(text) : text;
  if (/^[\u0020-\u007e\t]*$/.test(line)) return line;
  return stripAnsi(line).replace(NOT_PLAIN, '');
}

/** A progress line (`10%\r20%\r30%`) shows what was drawn last; a trailing CR (CRLF) is ignored. */
function afterLastCarriageReturn(line: string): string {
  const parts = line.split('\r');
  for (let i = parts.length - 1; i >= 0; i--) {
    if (stripAnsi(parts[i]!) !== '') return parts[i]!;
  }
  return '';
}

function expandTabs(line: string): string {
  let out = '';
  let column = 0;
  for (const part of line.split(/(\u001b\[[\d;]*m)/)) {
    if (part.startsWith('\u001b')) {
      out += part;
      continue;
    }
    for (const char of part) {
      if (char === '\t') {
        const spaces = TAB_STOP - (column % TAB_STOP);
        out += ' '.repeat(spaces);
        column += spaces;
      } else {
        out += char;
        column += 1; // close enough for tab stops; widths are measured properly later
      }
    }
  }
  return out;
}
