/**
 * Writes the state file off the request path: a change schedules a write `delayMs` later, so a
 * burst of leases costs one write; one write at a time; a change during a write schedules the
 * next. What a crash inside the delay would lose is in the journal (journal.ts), written before
 * each reply; the owners' reclaim after reconnecting restores the rest (status, processes).
 *
 * A write that fails (a full disk, a state that cannot be serialized) is logged once, not once per
 * attempt, and never stops later writes: the next change, or a retry a little later, tries again.
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

/** After a failed write, the next attempt waits this long (doubling up to the maximum). */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 10_000;

export class Persister {
  readonly #options: PersisterOptions;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  /** Failed writes since the last one that worked. */
  #failures = 0;

  constructor(options: PersisterOptions) {
    this.#options = options;
  }

  /** Something changed: write soon. */
  schedule(delayMs = this.#options.delayMs ?? 100): void {
    this.#dirty = true;
    if (this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, delayMs);
    this.#timer.unref();
  }

  async #write(): Promise<void> {
    this.#dirty = false;
    const writing = (async () => {
      try {
        await writeStateFile(this.#options.file, this.#options.serialize());
      } catch (error) {
        this.#failed(error);
        return;
      }
      this.#succeeded();
    })();
    this.#writing = writing;
    await writing;
    this.#writing = undefined;
    if (this.#dirty) {
      this.#dirty = false;
      this.schedule();
    } else if (this.#failures > 0) {
      this.schedule(Math.min(RETRY_MS * 2 ** (this.#failures - 1), MAX_RETRY_MS));
    }
  }

  /** Writes now, synchronously (on the way out). */
  flushSync(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty = false;
    try {
      writeStateFileSync(this.#options.file, this.#options.serialize());
    } catch (error) {
      this.#failed(error);
      return;
    }
    this.#succeeded();
  }

  #failed(error: unknown): void {
    if (this.#failures++ === 0) {
      this.#options.log(
        `could not write ${this.#options.file}: ${(error as Error)?.message ?? error} (retrying; not logged again until a write works)`,
      );
    }
  }

  #succeeded(): void {
    if (this.#failures > 0)
      this.#options.log(`wrote ${this.#options.file} again after ${this.#failures} failed attempt(s)`);
    this.#failures = 0;
    this.#options.written?.();
  }
}
