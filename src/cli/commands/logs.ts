/**
 * `styxy logs [SERVICE] [-n N] [-f] [-t] [--current] [--json]`: the last lines of this folder's stack (of one
 * service, or of all of them interleaved), read from its log files, so it works for any stack,
 * running or stopped; `-f` then follows new lines live (logs/follow-logs.ts). Loads no config and
 * no UI: the config is only located (as `ps` does).
 */
import { StyxyError } from '../../protocol/errors.js';
import { isRunSeparator } from '../../protocol/run-separator.js';
import { DEFAULT_STACK_NAME } from '../../protocol/stack-id.js';
import { EXIT } from '../exit-codes.js';
import { followLogs } from '../logs/follow-logs.js';
import { lineFormatter } from '../logs/format-line.js';
import { logSources } from '../logs/log-sources.js';
import { type FileLine, readLogTail } from '../logs/stack-logs.js';
import type { CurrentStackOptions } from '../stack/current-stack.js';

export interface LogsOptions extends CurrentStackOptions {
  readonly follow?: boolean;
  /** `-n N`, as typed. */
  readonly lines?: string;
  readonly timestamps?: boolean;
  readonly json?: boolean;
  /** Only each service's latest run (from its last run separator on). */
  readonly current?: boolean;
}

export async function run(service: string | undefined, options: LogsOptions): Promise<number> {
  const count = countOption(options.lines);
  const { root, name, dir, running, known, shown, shared } = await logSources(service, options);
  const format = lineFormatter({
    services: known,
    prefix: shown.length > 1,
    timestamps: !!options.timestamps,
    json: !!options.json,
    stdout: process.stdout,
    env: process.env,
  });
  if (options.follow && running && !options.current) return followLogs(running, { service, count, format, shared });
  const tail = readLogTail(dir, shown, count, (s) => shared.get(s));
  const lines = options.current ? currentRuns(tail) : tail;
  if (lines.length > 0) process.stdout.write(lines.map(format).join(''));
  // The current run's lines came from the files; what follows comes live.
  if (options.follow && running) return followLogs(running, { service, count: 0, format, shared });
  if (running === null && (options.follow || process.stderr.isTTY)) {
    const which = `no stack${name === DEFAULT_STACK_NAME ? '' : ` named "${name}"`} of ${root} is running`;
    process.stderr.write(`styxy: ${which}${options.follow ? '; nothing to follow' : ': these are its last lines'}\n`);
  }
  return EXIT.ok;
}

/** Each service's lines from its last run separator on (all of them when the window holds none). */
function currentRuns(lines: readonly FileLine[]): FileLine[] {
  const from = new Map<string, number>();
  lines.forEach((line, index) => {
    if (isRunSeparator(line.stream, line.text)) from.set(line.service, index);
  });
  return lines.filter((line, index) => index >= (from.get(line.service) ?? 0));
}

function countOption(value: string | undefined): number {
  if (value === undefined) return 100;
  if (!/^\d+$/.test(value.trim())) {
    throw new StyxyError('STYXY_USAGE', `-n "${value}" is not a number of lines`, { hint: 'for example `-n 50`' });
  }
  return Math.min(Number(value), 1_000_000);
}
