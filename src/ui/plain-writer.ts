/**
 * A writer that never blocks the services: text is batched and written once per event-loop turn;
 * while the stream is slow (a pipe nobody reads fast enough), up to `maxBufferedBytes` wait here,
 * and past that lines are dropped — counted, and replaced by one "[… N lines dropped]" note as
 * soon as the stream takes data again. Stalling instead would stall the draining of every
 * service's output; the lines stay in the stack's rings (`styxy logs`, the UI). A stream error
 * (EPIPE: the reader went away) closes the writer quietly.
 */

/** Enough for several seconds of a busy service on a slow terminal. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export function droppedNote(count: number): string {
  return `[… ${count} ${count === 1 ? 'line' : 'lines'} dropped]\n`;
}

export class PlainWriter {
  readonly #stream: NodeJS.WritableStream;
  readonly #max: number;
  #pending: string[] = [];
  #pendingBytes = 0;
  #droppedSinceNote = 0;
  #dropped = 0;
  #blocked = false;
  #scheduled = false;
  #closed = false;

  constructor(stream: NodeJS.WritableStream, maxBufferedBytes: number = DEFAULT_MAX_BUFFERED_BYTES) {
    this.#stream = stream;
    this.#max = maxBufferedBytes;
    stream.on('error', () => this.close());
  }

  /** Lines dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one or more complete lines (each ending with a newline). */
  write(text: string): void {
    if (this.#closed) return;
    if (this.#pendingBytes + text.length > this.#max) {
      this.#droppedSinceNote++;
      this.#dropped++;
      return;
    }
    this.#pending.push(text);
    this.#pendingBytes += text.length;
    this.#schedule();
  }

  /** Resolves once everything queued is handed to the OS, or after `timeoutMs`. */
  async flush(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#pump();
    while (!this.#closed && Date.now() < deadline && (this.#pending.length > 0 || this.#busy())) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops writing; what is queued is dropped. */
  close(): void {
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #busy(): boolean {
    const length = (this.#stream as { writableLength?: number }).writableLength;
    return this.#blocked || (typeof length === 'number' && length > 0);
  }

  #schedule(): void {
    if (this.#scheduled || this.#blocked) return;
    this.#scheduled = true;
    setImmediate(() => this.#pump());
  }

  #pump(): void {
    this.#scheduled = false;
    if (this.#closed || this.#blocked || (this.#pending.length === 0 && this.#droppedSinceNote === 0)) return;
    // Lines are only dropped while the queue is full, so every dropped line came after the queue.
    let chunk = this.#pending.join('');
    if (this.#droppedSinceNote > 0) chunk += droppedNote(this.#droppedSinceNote);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#droppedSinceNote = 0;
    let ok: boolean;
    try {
      ok = this.#stream.write(chunk);
    } catch {
      this.close();
      return;
    }
    if (ok) return;
    this.#blocked = true;
    this.#stream.once('drain', () => {
      this.#blocked = false;
      this.#pump();
    });
  }
}
