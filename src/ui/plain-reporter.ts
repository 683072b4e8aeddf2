/**
 * The plain reporter (`up` when stdout is not a terminal, or `--no-tui`): each line a service
 * prints goes to stdout, prefixed with the service's name, padded to the longest name and
 * coloured per service; Styxy's own lifecycle lines (`api ready on :8001 in 312 ms`, restarts,
 * exits) go to stderr. Writing never blocks the services (see plain-writer.ts).
 */
import type { StackEvent, StackPhase, StackView } from '../supervisor/view.js';
import { colorEnabled, dim, type Paint, red, servicePaint } from './plain-colors.js';
import { DEFAULT_MAX_BUFFERED_BYTES, PlainWriter } from './plain-writer.js';

export interface PlainReporterOptions {
  /**
   * Where the services' lines go; null: nowhere (`up --json` keeps stdout for its one document;
   * the lines stay in the rings and log files).
   */
  readonly stdout: (NodeJS.WritableStream & { readonly isTTY?: boolean }) | null;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** For NO_COLOR / FORCE_COLOR. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bytes queued per stream while it is slow, before lines are dropped. @default 1 MiB */
  readonly maxBufferedBytes?: number;
}

export interface PlainReporter {
  /** Lines dropped because a stream was too slow (stdout and stderr together). */
  readonly dropped: number;
  /** Prints one of Styxy's own lines on stderr: `styxy: <text>`. */
  notice(text: string): void;
  /** Resolves once what was printed so far is written out (or after `timeoutMs`). */
  flush(timeoutMs?: number): Promise<void>;
  /** Stops printing. */
  close(): void;
}

export function createPlainReporter(view: StackView, options: PlainReporterOptions): PlainReporter {
  const env = options.env ?? process.env;
  const max = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const out = options.stdout ? new PlainWriter(options.stdout, max) : null;
  const err = new PlainWriter(options.stderr, max);
  const outColor = options.stdout ? colorEnabled(options.stdout, env) : false;
  const errColor = colorEnabled(options.stderr, env);

  const first = view.getSnapshot();
  const names = first.services.map((service) => service.name);
  const width = Math.max(0, ...names.map((name) => name.length));
  const paints = new Map<string, { out: Paint; err: Paint; prefix: string }>();
  names.forEach((name, index) => {
    const paintOut = servicePaint(index, outColor);
    paints.set(name, {
      out: paintOut,
      err: servicePaint(index, errColor),
      prefix: paintOut(`${name.padEnd(width)} |`),
    });
  });
  const paintOf = (name: string) =>
    paints.get(name) ?? { out: (t: string) => t, err: (t: string) => t, prefix: `${name.padEnd(width)} |` };
  const failText = red(errColor);
  const note = dim(errColor);
  let phase: StackPhase = first.phase;

  const onEvent = (event: StackEvent) => {
    if (event.type === 'log') {
      const { service, stream, text } = event.line;
      const paint = paintOf(service);
      if (stream === 'styxy') {
        err.write(`${paint.err(service)} ${text.startsWith('failed') ? failText(text) : text}\n`);
      } else {
        out?.write(text === '' ? `${paint.prefix}\n` : `${paint.prefix} ${text}\n`);
      }
      return;
    }
    const next = event.snapshot.phase;
    if (next === phase) return;
    phase = next;
    if (next === 'running') err.write(note(`styxy: every service is up (${names.length})\n`));
    else if (next === 'stopping') err.write(note('styxy: stopping\n'));
    else if (next === 'failed') err.write(note('styxy: stopping (a service failed)\n'));
    else if (next === 'stopped') err.write(note('styxy: stopped\n'));
  };
  const unsubscribe = view.subscribe(onEvent);

  return {
    get dropped() {
      return (out?.dropped ?? 0) + err.dropped;
    },
    notice(text) {
      err.write(`styxy: ${text}\n`);
    },
    async flush(timeoutMs) {
      await Promise.all([out?.flush(timeoutMs), err.flush(timeoutMs)]);
    },
    close() {
      unsubscribe();
      out?.close();
      err.close();
    },
  };
}
