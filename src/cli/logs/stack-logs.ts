/**
 * A stack's log files (`$STYXY_HOME/stacks/<id>/<service>.log`, the previous part in `.log.1`),
 * read for `styxy logs`: which services have one, and their last lines merged in time order. The
 * files are written by every stack, so this works while it runs and after it stopped.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLine } from '../../protocol/stack.js';
import { parseLogFileLine } from '../../supervisor/log-file.js';
import { tailLines } from './tail-file.js';

export type FileLine = Pick<LogLine, 'service' | 'stream' | 'text' | 'time'>;

/** Service names (letters, digits, - and _) with a log file in `dir`, sorted; [] when there is no such folder. */
export function servicesWithLogs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const services = new Set<string>();
  for (const name of names) {
    const match = /^([A-Za-z0-9_-]+(?:#\d+)?)\.log(?:\.\d+)?$/.exec(name);
    if (match) services.add(match[1]!);
  }
  return [...services].sort();
}

/** Where a service's log file is when it is not `<dir>/<service>.log` (a shared service's instance). */
export type LogPlace = (service: string) => { readonly dir: string; readonly service: string } | undefined;

/** The last `count` lines of these services together, oldest first (by time; each service's in file order). */
export function readLogTail(dir: string, services: readonly string[], count: number, place?: LogPlace): FileLine[] {
  const all: { line: FileLine; order: number; index: number }[] = [];
  services.forEach((service, order) => {
    const elsewhere = place?.(service);
    const file = join(elsewhere?.dir ?? dir, `${elsewhere?.service ?? service}.log`);
    let texts = tailLines(file, count);
    if (texts.length < count) texts = [...tailLines(`${file}.1`, count - texts.length), ...texts];
    let time = 0;
    texts.forEach((text, index) => {
      // A line in another shape (written by hand?) is shown as it is, at the time of the one before.
      const parsed = parseLogFileLine(text) ?? { time, stream: 'stdout' as const, text };
      time = parsed.time;
      all.push({ line: { service, ...parsed }, order, index });
    });
  });
  all.sort((a, b) => a.line.time - b.line.time || a.order - b.order || a.index - b.index);
  return all.slice(-count).map((entry) => entry.line);
}
