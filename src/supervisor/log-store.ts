/**
 * The stack's recent output: one bounded ring per service, every line numbered by a stack-wide
 * `seq` so that services interleave in the order their lines arrived.
 */
import type { LogLine } from '../protocol/stack.js';
import { Ring } from './log-ring.js';

/** Lines kept per service (about 1 MB of typical output). */
export const DEFAULT_RING_SIZE = 5000;

export class LogStore {
  readonly #rings = new Map<string, Ring<LogLine>>();
  readonly #now: () => number;
  readonly #onLine: (line: LogLine) => void;
  readonly #ringSize: number;
  #seq = 0;
  /** The time of the lines appended in this synchronous burst (-1: none yet). */
  #burstTime = -1;

  constructor(
    services: readonly string[],
    options: { ringSize?: number; now?: () => number; onLine?: (line: LogLine) => void } = {},
  ) {
    this.#ringSize = options.ringSize ?? DEFAULT_RING_SIZE;
    for (const name of services) this.addService(name);
    this.#now = options.now ?? Date.now;
    this.#onLine = options.onLine ?? (() => {});
  }

  /** Keeps lines of `service` from now on (a store drops the lines of services it does not know). */
  addService(service: string): void {
    if (!this.#rings.has(service)) this.#rings.set(service, new Ring(this.#ringSize));
  }

  /** The seq the next line will get. */
  get nextSeq(): number {
    return this.#seq + 1;
  }

  /** Adds a line (at `time`, default now) with the next seq. */
  append(service: string, stream: LogLine['stream'], text: string, time: number = this.#clock()): LogLine {
    const line: LogLine = { seq: ++this.#seq, service, stream, text, time };
    this.#rings.get(service)?.push(line);
    this.#onLine(line);
    return line;
  }

  /**
   * Now, read once a synchronous burst: the lines of one read of a pipe (up to 64 KB, about a
   * thousand lines under a flood) arrived together, and reading the clock for each of them was a
   * tenth of the store's cost a line.
   */
  #clock(): number {
    if (this.#burstTime < 0) {
      this.#burstTime = this.#now();
      queueMicrotask(() => {
        this.#burstTime = -1;
      });
    }
    return this.#burstTime;
  }

  /** The newest `limit` lines of one service, or of all services interleaved by seq. */
  lines(service?: string, limit: number = Number.POSITIVE_INFINITY): LogLine[] {
    if (service !== undefined) return this.#rings.get(service)?.toArray(limit) ?? [];
    // Merge from the newest end: take the highest seq among the rings' tails, `limit` times.
    const rings = [...this.#rings.values()];
    const cursors = rings.map((ring) => ring.size - 1);
    const result: LogLine[] = [];
    while (result.length < limit) {
      let best = -1;
      for (let i = 0; i < rings.length; i++) {
        const line = cursors[i]! >= 0 ? rings[i]!.at(cursors[i]!) : undefined;
        if (line && (best < 0 || line.seq > rings[best]!.at(cursors[best]!)!.seq)) best = i;
      }
      if (best < 0) break;
      result.push(rings[best]!.at(cursors[best]!)!);
      cursors[best]!--;
    }
    return result.reverse();
  }

  /** Lines of `service` still in its ring with `seq >= from`, oldest first. */
  since(service: string, from: number): LogLine[] {
    const ring = this.#rings.get(service);
    if (!ring) return [];
    const result: LogLine[] = [];
    for (let i = ring.size - 1; i >= 0; i--) {
      const line = ring.at(i)!;
      if (line.seq < from) break;
      result.push(line);
    }
    return result.reverse();
  }
}
