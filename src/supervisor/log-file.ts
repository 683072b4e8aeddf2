/**
 * A service's log file for background stacks: `<dir>/<service>.log`, one line per output line
 * (`<ISO time> <stream> <text>`), size-capped with rotation (`<service>.log.1` holds the previous
 * part; with the default cap at most 2 × 5 MiB per service). A new run starts a new file (the
 * last run's moves to `.1`). Lines are batched and written once per event-loop turn; a failing
 * disk disables the file (reported once) and never the service.
 */
import { closeSync, fstatSync, openSync, renameSync, statSync, unlink, writeSync } from 'node:fs';
import type { LogLine } from '../protocol/stack.js';

export const LOG_FILE_MAX_BYTES = 5 * 1024 * 1024;
/** Flush at once past this many pending bytes, so a chatty service keeps memory bounded. */
const FLUSH_AT = 256 * 1024;

/** The last prefix formatted: a chatty service writes many lines a millisecond. */
let lastTime = Number.NaN;
let lastStream = '';
let lastPrefix = '';

/** `<ISO time> <stream> `: formatting a date costs more than the rest of the line, so once per millisecond and stream. */
function prefixOf(time: number, stream: string): string {
  if (time !== lastTime || stream !== lastStream) {
    lastPrefix = `${new Date(time).toISOString()} ${stream} `;
    lastTime = time;
    lastStream = stream;
  }
  return lastPrefix;
}

export function formatLogFileLine(line: Pick<LogLine, 'time' | 'stream' | 'text'>): string {
  return `${prefixOf(line.time, line.stream)}${line.text}\n`;
}

/** The inverse of `formatLogFileLine` (without the newline); null for a line in another shape. */
export function parseLogFileLine(text: string): Pick<LogLine, 'time' | 'stream' | 'text'> | null {
  const match = /^(\S+) (stdout|stderr|styxy) ?(.*)$/s.exec(text);
  if (!match) return null;
  const time = Date.parse(match[1]!);
  if (Number.isNaN(time)) return null;
  return { time, stream: match[2] as LogLine['stream'], text: match[3]! };
}

export interface LogFileOptions {
  /** Rotate when the file would grow past this. @default 5 MiB */
  readonly maxBytes?: number;
  /** Files kept, the current one included (at least 2). @default 2 */
  readonly keep?: number;
  /** Called once if writing fails; the file is then given up. */
  readonly onError?: (error: Error) => void;
}

export class LogFile {
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #onError: (error: Error) => void;
  #fd: number | null = null;
  #size = 0;
  /** Lines not yet written, appended to one string (cheaper than an array joined at the flush). */
  #pending = '';
  #scheduled = false;

  constructor(path: string, options: LogFileOptions = {}) {
    this.#path = path;
    this.#maxBytes = options.maxBytes ?? LOG_FILE_MAX_BYTES;
    this.#keep = Math.max(2, options.keep ?? 2);
    this.#onError = options.onError ?? (() => {});
    this.#guard(() => {
      if (fileSize(path) > 0) this.#rotate();
      this.#open();
    });
  }

  write(line: Pick<LogLine, 'time' | 'stream' | 'text'>): void {
    if (this.#fd === null) return;
    this.#pending += prefixOf(line.time, line.stream) + line.text + '\n';
    // Characters, not bytes: this only bounds memory, and measuring UTF-8 costs a pass per line.
    if (this.#pending.length >= FLUSH_AT) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is pending, now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#fd === null || this.#pending === '') return;
    // Written as a string: encoding it into a Buffer first cost about 80 ns a line more under a
    // flood, in-process (426 against 343 ns for the ring and the log file: an allocation outside
    // the heap per flush; docs/performance.md, "Log throughput under `styxy up`").
    const text = this.#pending;
    this.#pending = '';
    const bytes = Buffer.byteLength(text);
    this.#guard(() => {
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) {
        this.#closeFd();
        this.#rotate();
        this.#open();
      }
      // A single batch larger than the cap keeps its newest part.
      if (bytes > this.#maxBytes) {
        const data = Buffer.from(text);
        this.#size += writeSync(this.#fd!, data.subarray(data.length - this.#maxBytes));
      } else this.#size += writeSync(this.#fd!, text);
    });
  }

  close(): void {
    this.flush();
    this.#closeFd();
  }

  #open(): void {
    this.#fd = openSync(this.#path, 'a', 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    // The oldest part is moved aside and deleted in the background: renaming onto it would free
    // its blocks on this thread (milliseconds for a full part), and a chatty service rotates
    // often. A `.old` left by a crash is replaced by the next rotation.
    const oldest = `${this.#path}.${this.#keep - 1}`;
    if (fileSize(oldest) >= 0) {
      renameSync(oldest, `${oldest}.old`);
      unlink(`${oldest}.old`, () => {});
    }
    for (let index = this.#keep - 1; index >= 1; index--) {
      const from = index === 1 ? this.#path : `${this.#path}.${index - 1}`;
      if (fileSize(from) >= 0) renameSync(from, `${this.#path}.${index}`);
    }
  }

  #closeFd(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    try {
      closeSync(fd);
    } catch {}
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#closeFd();
      this.#pending = '';
      this.#onError(error as Error);
    }
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}
