/**
 * How `styxy logs` prints a line: the service's name in front when several services are shown
 * (padded, coloured on a terminal), `[styxy]` before Styxy's own lines, an optional timestamp;
 * or one JSON object per line with `--json`. On a terminal with colour, a service's colours are
 * kept (cursor moves, titles and other controls dropped); otherwise (a pipe, a file, NO_COLOR)
 * every escape sequence and every control character but tab goes, so a reader without a
 * terminal (a script, an agent) gets plain text.
 */
import { colorEnabled, dim, servicePaint } from '../../ui/plain-colors.js';
import { plainText, sanitizeLine } from '../../ui/text/sanitize.js';
import type { FileLine } from './stack-logs.js';

export interface LineFormat {
  /** Every service that may be shown, in order (for the width and colour of the names). */
  readonly services: readonly string[];
  /** Put the service's name in front. */
  readonly prefix: boolean;
  readonly timestamps: boolean;
  readonly json: boolean;
  readonly stdout: { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function lineFormatter(format: LineFormat): (line: FileLine) => string {
  if (format.json) {
    return (line) =>
      `${JSON.stringify({ time: new Date(line.time).toISOString(), service: line.service, stream: line.stream, text: line.text })}\n`;
  }
  const color = colorEnabled(format.stdout, format.env);
  const width = Math.max(0, ...format.services.map((name) => name.length));
  const note = dim(color);
  const prefixes = new Map(
    format.services.map((name, index) => [name, `${servicePaint(index, color)(`${name.padEnd(width)} |`)} `]),
  );
  return (line) => {
    const text = color ? sanitizeLine(line.text) : plainText(line.text);
    const body = line.stream === 'styxy' ? note(`[styxy] ${text}`) : text;
    const prefix = format.prefix ? (prefixes.get(line.service) ?? `${line.service.padEnd(width)} | `) : '';
    const time = format.timestamps ? `${note(new Date(line.time).toISOString())} ` : '';
    return `${time}${prefix}${body}\n`;
  };
}
