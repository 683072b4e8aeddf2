import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LogLine, StackEvent, StackSnapshot, StackView } from '../../../src/supervisor/view.js';
import { colorEnabled } from '../../../src/ui/plain-colors.js';
import { createPlainReporter } from '../../../src/ui/plain-reporter.js';
import { droppedNote, PlainWriter } from '../../../src/ui/plain-writer.js';
import { serviceSnapshot } from '../../helpers/memory-view.js';

/** A stack view fed by hand. */
function fakeView(names: string[]) {
  const listeners = new Set<(event: StackEvent) => void>();
  let seq = 0;
  const snapshot = (phase: StackSnapshot['phase']): StackSnapshot => ({
    stack: { id: 'x', name: 'default', project: 'p', root: '/p', pid: 1, detached: false },
    coordinator: { pid: null, leases: 0 },
    phase,
    services: names.map((name) => serviceSnapshot({ name, status: 'pending' })),
  });
  const view: StackView = {
    getSnapshot: () => snapshot('starting'),
    getLogs: () => [],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions: {
      restart: async () => {},
      stop: async () => {},
      start: async () => {},
      input: async () => {},
      stopStack: async () => {},
    },
  };
  const emit = (event: StackEvent) => {
    for (const listener of listeners) listener(event);
  };
  return {
    view,
    listeners,
    line: (service: string, stream: LogLine['stream'], text: string) =>
      emit({ type: 'log', line: { seq: ++seq, service, stream, text, time: 0 } }),
    phase: (phase: StackSnapshot['phase']) => emit({ type: 'snapshot', snapshot: snapshot(phase) }),
  };
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  return () => text;
}

describe('plain reporter', () => {
  it('prefixes service lines with the padded name on stdout; lifecycle lines on stderr', async () => {
    const { view, line, phase, listeners } = fakeView(['api', 'worker']);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const reporter = createPlainReporter(view, { stdout, stderr, env: {} });
    line('api', 'stdout', 'listening');
    line('worker', 'stderr', 'warning: x');
    line('api', 'stdout', '');
    line('api', 'styxy', 'ready on :8001 in 312 ms');
    line('worker', 'styxy', 'failed: exited with code 1 before it was ready');
    phase('running');
    await reporter.flush();
    expect(out()).toBe('api    | listening\nworker | warning: x\napi    |\n');
    expect(err()).toBe(
      'api ready on :8001 in 312 ms\nworker failed: exited with code 1 before it was ready\nstyxy: every service is up (2)\n',
    );
    reporter.close();
    expect(listeners.size).toBe(0);
  });

  it('says when a failure stops the stack; notices go to stderr; no stdout: service lines dropped', async () => {
    const { view, line, phase } = fakeView(['api']);
    const stderr = new PassThrough();
    const err = collect(stderr);
    const reporter = createPlainReporter(view, { stdout: null, stderr, env: {} });
    reporter.notice('SIGINT received; press Ctrl-C again to force');
    line('api', 'stdout', 'not shown');
    line('api', 'styxy', 'failed: exited with code 1 before it was ready');
    phase('failed');
    await reporter.flush();
    expect(err()).toBe(
      'styxy: SIGINT received; press Ctrl-C again to force\napi failed: exited with code 1 before it was ready\nstyxy: stopping (a service failed)\n',
    );
    expect(reporter.dropped).toBe(0);
    reporter.close();
  });

  it('colours each service differently when forced, and not when NO_COLOR', async () => {
    const { view, line } = fakeView(['api', 'web']);
    const stdout = new PassThrough();
    const out = collect(stdout);
    const reporter = createPlainReporter(view, { stdout, stderr: new PassThrough(), env: { FORCE_COLOR: '1' } });
    line('api', 'stdout', 'a');
    line('web', 'stdout', 'w');
    await reporter.flush();
    expect(out()).toBe('\x1b[96mapi |\x1b[39m a\n\x1b[95mweb |\x1b[39m w\n');
  });

  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
  ])('colour with env %j on a TTY=%s: %s', (env, isTTY, expected) => {
    expect(colorEnabled({ isTTY }, env)).toBe(expected);
  });
});

describe('plain writer', () => {
  /** A stream that accepts writes but completes none until released. */
  function stuckStream() {
    const pending: (() => void)[] = [];
    let written = '';
    const stream = new Writable({
      highWaterMark: 16,
      write(chunk, _encoding, callback) {
        written += String(chunk);
        pending.push(callback);
      },
    });
    return {
      stream,
      written: () => written,
      release: () => {
        for (const callback of pending.splice(0)) callback();
      },
    };
  }

  it('queues up to its bound while the stream is slow, then drops with a note once it drains', async () => {
    const { stream, written, release } = stuckStream();
    const writer = new PlainWriter(stream, 30);
    writer.write('first line\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written()).toBe('first line\n');
    for (let i = 1; i <= 10; i++) writer.write(`queued ${i}\n`); // 9 bytes each: 3 fit in 30
    expect(writer.dropped).toBe(7);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written()).toBe(`first line\nqueued 1\nqueued 2\nqueued 3\n${droppedNote(7)}`);
    release();
    writer.write('later\n');
    await writer.flush(50);
    expect(written().endsWith('later\n')).toBe(true);
  });

  it('closes quietly when the stream errors (EPIPE)', async () => {
    const stream = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('EPIPE'), { code: 'EPIPE' }));
      },
    });
    const writer = new PlainWriter(stream);
    writer.write('a\n');
    await writer.flush(200);
    writer.write('b\n');
    expect(writer.dropped).toBe(0);
  });
});
