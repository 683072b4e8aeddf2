/**
 * One subscriber of a stack's control socket (an `attach`, a `logs -f`): it gets the stack's
 * snapshots and new log lines, batched, and never slows the stack down.
 *
 * - Events are batched: one `logs` and one `snapshot` frame every `flushMs` at most, or as soon
 *   as `maxQueuedLines` wait; snapshots are coalesced to the latest (a snapshot is the whole
 *   state, so older ones add nothing).
 * - While the peer's socket backlog is over `maxBacklogBytes` nothing is written to it; lines
 *   wait here, up to `maxQueuedLines`, then are left out and counted. The count goes with the
 *   next batch as `dropped`, so the reader can say "[… N lines dropped]" where they were.
 * - A peer whose backlog stays over the limit for `stalledMs` reads nothing at all: it is
 *   disconnected, which frees what it held.
 */
import type { ControlEvents } from '../../protocol/control-protocol.js';
import type { LogLine, StackEvent, StackSnapshot } from '../../protocol/stack.js';
import type { Peer } from '../../transport/rpc-server.js';

export interface SubscriberLimits {
  readonly flushMs: number;
  readonly maxQueuedLines: number;
  readonly maxBacklogBytes: number;
  readonly stalledMs: number;
  /** Lines of one `logs` frame are cut into frames of about this many bytes. */
  readonly frameBytes: number;
}

export const DEFAULT_SUBSCRIBER_LIMITS: SubscriberLimits = {
  flushMs: 25,
  maxQueuedLines: 5000,
  maxBacklogBytes: 512 * 1024,
  stalledMs: 30_000,
  frameBytes: 256 * 1024,
};

export interface SubscriberFilter {
  /** Only this service's lines. */
  readonly service?: string | undefined;
  /** Stream log lines at all. */
  readonly logs: boolean;
}

/**
 * A line's size on the wire, in bytes (frames are capped in bytes: one character of a log line
 * may take 3 of them, an ESC 6 once JSON-escaped). Cheap enough for every line of a flood; a
 * frame it underestimates is split again by the sender (`#sendBatch`).
 */
export function lineBytes(line: LogLine): number {
  let escapes = 0;
  for (let at = line.text.indexOf('\u001b'); at >= 0; at = line.text.indexOf('\u001b', at + 1)) escapes++;
  return Buffer.byteLength(line.text) + 5 * escapes + line.service.length + 80;
}

/** Exactly what the line takes in a reply (JSON), for replies that must fit one frame. */
export function lineJsonBytes(line: LogLine): number {
  return Buffer.byteLength(JSON.stringify(line)) + 1;
}

export class Subscriber {
  readonly #peer: Peer;
  readonly #filter: SubscriberFilter;
  readonly #limits: SubscriberLimits;
  readonly #now: () => number;
  #queue: LogLine[] = [];
  #dropped = 0;
  #snapshot: StackSnapshot | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stalledSince: number | null = null;
  #closed = false;

  constructor(
    peer: Peer,
    filter: SubscriberFilter,
    limits: SubscriberLimits = DEFAULT_SUBSCRIBER_LIMITS,
    now: () => number = Date.now,
  ) {
    this.#peer = peer;
    this.#filter = filter;
    this.#limits = limits;
    this.#now = now;
  }

  /** Lines left out so far and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Takes one event of the stack: cheap, never blocks, never throws. */
  push(event: StackEvent): void {
    if (this.#closed) return;
    if (event.type === 'snapshot') {
      this.#snapshot = event.snapshot;
    } else {
      const { line } = event;
      if (!this.#filter.logs) return;
      if (this.#filter.service !== undefined && line.service !== this.#filter.service) return;
      if (this.#queue.length >= this.#limits.maxQueuedLines) {
        // A full queue goes out now if the peer keeps up (a flood loses nothing then); if it
        // does not, the line is left out.
        if (this.#peer.pendingBytes <= this.#limits.maxBacklogBytes && !this.#peer.closed) this.flush();
        if (this.#queue.length >= this.#limits.maxQueuedLines) {
          this.#dropped++;
          return;
        }
      }
      this.#queue.push(line);
    }
    this.#schedule();
  }

  /** Sends what waits, as far as the peer keeps up. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#closed) return;
    if (this.#peer.closed) {
      this.close();
      return;
    }
    if (this.#peer.pendingBytes > this.#limits.maxBacklogBytes) {
      this.#stalledSince ??= this.#now();
      if (this.#now() - this.#stalledSince >= this.#limits.stalledMs) {
        this.close();
        this.#peer.close();
        return;
      }
      this.#schedule(); // look again: the backlog drains while the peer reads
      return;
    }
    this.#stalledSince = null;
    // Lines first: the snapshot that says "stopped" comes after the last lines.
    if (this.#queue.length > 0 || this.#dropped > 0) this.#sendLines();
    if (this.#snapshot !== null && !this.#peer.closed) {
      const snapshot = this.#snapshot;
      this.#snapshot = null;
      this.#send('snapshot', { snapshot });
    }
  }

  /** Stops taking events; what waits is dropped. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #sendLines(): void {
    const lines = this.#queue;
    this.#queue = [];
    let start = 0;
    do {
      let end = start;
      let bytes = 0;
      while (end < lines.length && (end === start || bytes + lineBytes(lines[end]!) <= this.#limits.frameBytes)) {
        bytes += lineBytes(lines[end]!);
        end++;
      }
      this.#sendBatch(lines.slice(start, end));
      start = end;
    } while (start < lines.length && !this.#peer.closed);
  }

  /** One frame; a frame the transport refuses (too large once encoded) is halved, then dropped. */
  #sendBatch(lines: LogLine[]): void {
    const dropped = this.#dropped;
    this.#dropped = 0;
    if (this.#send('logs', { lines, dropped })) return;
    if (this.#peer.closed) return;
    if (lines.length <= 1) {
      this.#dropped = dropped + lines.length;
      return;
    }
    this.#dropped = dropped;
    const half = Math.ceil(lines.length / 2);
    this.#sendBatch(lines.slice(0, half));
    this.#sendBatch(lines.slice(half));
  }

  /** Pushes one event of the control protocol (its data as the method map says). */
  #send<E extends keyof ControlEvents>(event: E, data: ControlEvents[E]): boolean {
    return this.#peer.send(event, data);
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => this.flush(), this.#limits.flushMs);
    this.#timer.unref();
  }
}
