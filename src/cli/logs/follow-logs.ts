/**
 * `styxy logs -f` on a running stack: subscribes to its control socket (the newest lines first,
 * from the stack's memory, then every new line: the subscription starts where the backlog ends,
 * so no line is missed or shown twice) and prints until interrupted (SIGINT, SIGTERM, SIGHUP:
 * exit 0), until the stack stops (exit 0), or until stdout's reader goes away.
 */
import { MAX_LOG_REQUEST } from '../../protocol/control-protocol.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { STOP_SIGNALS } from '../../supervisor/stop-signals.js';
import { connectStack, stackTitle } from '../stack/stack-control.js';
import type { SharedLogs } from './log-sources.js';
import type { FileLine } from './stack-logs.js';

export interface FollowOptions {
  readonly service?: string | undefined;
  /** Shared services the stack uses, followed in their instances' stacks as well (log-sources.ts). */
  readonly shared?: ReadonlyMap<string, SharedLogs>;
  /** Lines to print first. */
  readonly count: number;
  readonly format: (line: FileLine) => string;
  readonly stdout?: NodeJS.WritableStream;
  readonly say?: (text: string) => void;
}

export async function followLogs(stack: StackInfo, options: FollowOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const say = options.say ?? ((text: string) => process.stderr.write(`styxy: ${text}\n`));
  const backlog = Math.min(options.count, MAX_LOG_REQUEST);
  const client = await connectStack(stack);
  const subscription = await client.subscribe({
    ...(options.service === undefined ? {} : { service: options.service }),
    logs: true,
    backlog,
  });
  // Each shared instance's lines, named as this stack names the service; one that cannot be
  // reached (stopping, restarting) is left out rather than failing the stack's own lines.
  const others = await Promise.all(
    [...(options.shared ?? [])].map(async ([as, shared]) => {
      try {
        const other = await connectStack(shared.instance);
        const sub = await other.subscribe({ service: shared.service, logs: true, backlog });
        return { as, client: other, subscription: sub };
      } catch {
        return null;
      }
    }),
  );
  const followed = others.filter((other) => other !== null);
  const relabel = (as: string, lines: readonly FileLine[]) => lines.map((line) => ({ ...line, service: as }));
  const write = (lines: readonly FileLine[]) => {
    if (lines.length > 0) stdout.write(lines.map(options.format).join(''));
  };
  const first = [...subscription.lines, ...followed.flatMap((other) => relabel(other.as, other.subscription.lines))];
  write(followed.length === 0 ? first : first.sort((a, b) => a.time - b.time).slice(-backlog));
  return new Promise<number>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
      stdout.off('error', finish);
      client.close();
      for (const other of followed) other.client.close();
      resolve(0);
    };
    const interrupted = () => finish();
    for (const signal of STOP_SIGNALS) process.on(signal, interrupted);
    // The reader went away (`styxy logs -f | head`): nothing left to do.
    stdout.on('error', finish);
    subscription.listen((event) => {
      if (event.type !== 'logs' || finished) return;
      if (event.dropped > 0) {
        const text = `[… ${event.dropped} ${event.dropped === 1 ? 'line' : 'lines'} dropped: this reader fell behind]`;
        write([{ service: event.lines[0]?.service ?? '', stream: 'styxy', text, time: Date.now() }]);
      }
      write(event.lines);
    });
    for (const other of followed) {
      other.subscription.listen((event) => {
        if (event.type === 'logs' && !finished) write(relabel(other.as, event.lines));
      });
    }
    client.onClose(() => {
      if (finished) return;
      say(`stack ${stackTitle(stack)} has stopped`);
      finish();
    });
  });
}
