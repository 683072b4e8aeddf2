/**
 * A control socket's subscriber: batching, filtering, and bounds. The peer is a recording fake
 * whose write backlog the test sets: a subscriber must never wait for a slow peer, leave out what
 * it cannot keep, say how much it left out, and drop a peer that reads nothing at all.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLine, StackSnapshot } from '../../../src/protocol/stack.js';
import { Subscriber, type SubscriberLimits } from '../../../src/supervisor/control/subscriber.js';
import type { Peer } from '../../../src/transport/rpc-server.js';

/** What the subscriber sends: a `logs` or a `snapshot` frame. */
interface Frame {
  readonly lines: LogLine[];
  readonly dropped: number;
  readonly snapshot: StackSnapshot;
}

interface FakePeer extends Peer {
  pendingBytes: number;
  closed: boolean;
  sent: { event: string; data: Frame }[];
  /** Frames larger than this (JSON) are refused, as the transport refuses oversized frames. */
  maxFrame: number;
}

function fakePeer(): FakePeer {
  const peer: FakePeer = {
    id: 1,
    closed: false,
    pendingBytes: 0,
    sent: [],
    maxFrame: Number.POSITIVE_INFINITY,
    send(event, data) {
      if (peer.closed || JSON.stringify(data).length > peer.maxFrame) return false;
      peer.sent.push({ event, data: data as Frame });
      return true;
    },
    close() {
      peer.closed = true;
    },
  };
  return peer;
}

const limits: SubscriberLimits = {
  flushMs: 25,
  maxQueuedLines: 10,
  maxBacklogBytes: 1000,
  stalledMs: 5000,
  frameBytes: 10_000,
};

let seq = 0;
const line = (service: string, text = `line ${seq + 1}`): LogLine => ({
  seq: ++seq,
  service,
  stream: 'stdout',
  text,
  time: 1,
});
const snapshot = (phase: StackSnapshot['phase']) => ({ phase }) as unknown as StackSnapshot;
const texts = (peer: FakePeer) =>
  peer.sent.filter((frame) => frame.event === 'logs').flatMap((frame) => frame.data.lines.map((l) => l.text));

beforeEach(() => {
  vi.useFakeTimers();
  seq = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Subscriber', () => {
  it('batches lines into one frame per flush, lines before the latest snapshot', () => {
    const peer = fakePeer();
    const subscriber = new Subscriber(peer, { logs: true }, limits);
    subscriber.push({ type: 'snapshot', snapshot: snapshot('starting') });
    subscriber.push({ type: 'log', line: line('api') });
    subscriber.push({ type: 'snapshot', snapshot: snapshot('running') });
    subscriber.push({ type: 'log', line: line('web') });
    expect(peer.sent).toEqual([]); // nothing is written synchronously
    vi.advanceTimersByTime(25);
    expect(peer.sent.map((frame) => frame.event)).toEqual(['logs', 'snapshot']);
    expect(texts(peer)).toEqual(['line 1', 'line 2']);
    expect(peer.sent[0]!.data.dropped).toBe(0);
    expect(peer.sent[1]!.data.snapshot.phase).toBe('running'); // coalesced to the latest
  });

  it('keeps only the lines of its service, or none with logs: false', () => {
    const one = fakePeer();
    const none = fakePeer();
    const subscribers = [
      new Subscriber(one, { logs: true, service: 'api' }, limits),
      new Subscriber(none, { logs: false }, limits),
    ];
    for (const subscriber of subscribers) {
      for (const event of [line('api'), line('web'), line('api')]) subscriber.push({ type: 'log', line: event });
      subscriber.push({ type: 'snapshot', snapshot: snapshot('running') });
    }
    vi.advanceTimersByTime(25);
    expect(texts(one)).toEqual(['line 1', 'line 3']);
    expect(none.sent.map((frame) => frame.event)).toEqual(['snapshot']);
  });

  it('writes nothing while the peer is behind; past the queue bound, lines are left out and counted', () => {
    const peer = fakePeer();
    const subscriber = new Subscriber(peer, { logs: true }, limits);
    peer.pendingBytes = 5000; // the peer has not taken what was written
    for (let i = 0; i < 25; i++) subscriber.push({ type: 'log', line: line('api') });
    vi.advanceTimersByTime(200);
    expect(peer.sent).toEqual([]);
    expect(subscriber.dropped).toBe(15);
    peer.pendingBytes = 0; // it caught up
    vi.advanceTimersByTime(25);
    expect(peer.sent).toHaveLength(1);
    expect(peer.sent[0]!.data.dropped).toBe(15);
    expect(texts(peer)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));
    expect(subscriber.dropped).toBe(0);
  });

  it('sends a full queue at once while the peer keeps up: a flood loses nothing', () => {
    const peer = fakePeer();
    const subscriber = new Subscriber(peer, { logs: true }, limits);
    for (let i = 0; i < 35; i++) subscriber.push({ type: 'log', line: line('api') });
    expect(texts(peer)).toHaveLength(30); // three full queues went out without waiting for the timer
    vi.advanceTimersByTime(25);
    expect(texts(peer)).toEqual(Array.from({ length: 35 }, (_, i) => `line ${i + 1}`));
    expect(peer.sent.every((frame) => frame.data.dropped === 0)).toBe(true);
  });

  it('disconnects a peer that takes nothing for stalledMs', () => {
    const peer = fakePeer();
    const subscriber = new Subscriber(peer, { logs: true }, limits);
    peer.pendingBytes = 5000;
    subscriber.push({ type: 'log', line: line('api') });
    vi.advanceTimersByTime(4900);
    expect(peer.closed).toBe(false);
    vi.advanceTimersByTime(200);
    expect(peer.closed).toBe(true);
    expect(subscriber.closed).toBe(true);
    subscriber.push({ type: 'log', line: line('api') }); // ignored from now on
    vi.advanceTimersByTime(100);
    expect(peer.sent).toEqual([]);
  });

  it('cuts a large batch into frames, halves a frame the transport refuses, drops a line too large alone', () => {
    const peer = fakePeer();
    const subscriber = new Subscriber(peer, { logs: true }, { ...limits, maxQueuedLines: 100, frameBytes: 500 });
    for (let i = 0; i < 20; i++) subscriber.push({ type: 'log', line: line('api', `${i}`.padEnd(40, '.')) });
    vi.advanceTimersByTime(25);
    expect(peer.sent.length).toBeGreaterThan(3);
    expect(texts(peer)).toHaveLength(20);

    const strict = fakePeer();
    strict.maxFrame = 700;
    const other = new Subscriber(strict, { logs: true }, { ...limits, maxQueuedLines: 100, frameBytes: 100_000 });
    for (let i = 0; i < 8; i++) other.push({ type: 'log', line: line('api', 'x'.repeat(100)) });
    other.push({ type: 'log', line: line('api', 'y'.repeat(1000)) }); // too large even alone
    other.push({ type: 'log', line: line('api', 'after') });
    vi.advanceTimersByTime(25);
    expect(texts(strict)).toHaveLength(9);
    expect(texts(strict).at(-1)).toBe('after');
    expect(strict.sent.at(-1)!.data.dropped).toBe(1); // said just before the line after it
  });

  it('stops at once when the peer is gone', () => {
    const peer = fakePeer();
    const subscriber = new Subscriber(peer, { logs: true }, limits);
    subscriber.push({ type: 'log', line: line('api') });
    peer.closed = true;
    vi.advanceTimersByTime(25);
    expect(subscriber.closed).toBe(true);
    expect(peer.sent).toEqual([]);
  });
});
