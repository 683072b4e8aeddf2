/**
 * Writes the state file off the request path: a change schedules a write `delayMs` later, so a
 * burst of leases costs one write; one write at a time; a change during a write schedules the
 * next. What a crash inside the delay would lose is in the journal (journal.ts), written before
 * each reply; the owners' reclaim after reconnecting restores the rest (status, processes).
 */
import type { Log } from './log.js';
import { writeStateFile, writeStateFileSync } from './state-file.js';

export interface PersisterOptions {
  readonly file: string;
  /** The text to write (called when the write happens, not when scheduled). */
  readonly serialize: () => string;
  /** @default 100 */
  readonly delayMs?: number;
  /** Called once a write is on disk (the text `serialize` returned for it is durable). */
  readonly written?: () => void;
  readonly log: Log;
}

export class Persister {
  readonly #options: PersisterOptions;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;

  constructor(options: PersisterOptions) {
    this.#options = options;
  }

  /** Something changed: write soon. */
  schedule(): void {
    this.#dirty = true;
    if (this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, this.#options.delayMs ?? 100);
    this.#timer.unref();
  }

  async #write(): Promise<void> {
    this.#dirty = false;
    const writing = writeStateFile(this.#options.file, this.#options.serialize()).then(
      () => this.#options.written?.(),
      (error: Error) => {
        this.#options.log(`could not write ${this.#options.file}: ${error.message}`);
      },
    );
    this.#writing = writing;
    await writing;
    this.#writing = undefined;
    if (this.#dirty) {
      this.#dirty = false;
      this.schedule();
    }
  }

  /** Writes now, synchronously (on the way out). */
  flushSync(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty = false;
    try {
      writeStateFileSync(this.#options.file, this.#options.serialize());
      this.#options.written?.();
    } catch (error) {
      this.#options.log(`could not write ${this.#options.file}: ${(error as Error).message}`);
    }
  }
}
