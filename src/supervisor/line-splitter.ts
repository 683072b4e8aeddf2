/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n` ended,
 * and bounded — a line longer than `maxLineLength` characters is cut there (marked), and the rest
 * of it up to the next newline is dropped, so a service printing megabytes without a newline
 * costs a bounded amount of memory.
 */
import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE_LENGTH = 64 * 1024;
export const CUT_MARK = ' [… line cut]';

export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #onLine: (line: string) => void;
  readonly #max: number;
  #partial = '';
  /** True while dropping the rest of a line that was cut. */
  #skipping = false;

  constructor(onLine: (line: string) => void, maxLineLength: number = MAX_LINE_LENGTH) {
    this.#onLine = onLine;
    this.#max = maxLineLength;
  }

  push(chunk: Buffer | string): void {
    this.#take(typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    this.#take(this.#decoder.end());
    if (this.#partial !== '' && !this.#skipping) this.#emit(this.#partial);
    this.#partial = '';
    this.#skipping = false;
  }

  #take(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0) break;
      const piece = text.slice(start, newline);
      if (this.#skipping) this.#skipping = false;
      else this.#emit(this.#partial + piece);
      this.#partial = '';
      start = newline + 1;
    }
    if (start >= text.length || this.#skipping) return;
    this.#partial += text.slice(start);
    if (this.#partial.length > this.#max) {
      this.#onLine(this.#partial.slice(0, this.#max) + CUT_MARK);
      this.#partial = '';
      this.#skipping = true;
    }
  }

  #emit(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.#onLine(text.length > this.#max ? text.slice(0, this.#max) + CUT_MARK : text);
  }
}
