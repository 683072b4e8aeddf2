/** The error of a background start that ran out of time (`--timeout`, in the seconds typed): what was not up yet, and why. */
import { StyxyError } from '../../protocol/errors.js';
import type { LogLine, StackSnapshot } from '../../protocol/stack.js';

const UP = new Set(['ready', 'running', 'completed']);
/** Output lines quoted from the first service still starting. */
const QUOTED_LINES = 10;

export function startTimeoutError(
  snapshot: StackSnapshot,
  timeoutMs: number,
  logsOf: (service: string) => readonly LogLine[],
): StyxyError {
  const waiting = snapshot.services.filter((service) => !UP.has(service.status));
  const list = waiting
    .map((service) => `${service.name} (${service.status}${service.detail ? `: ${service.detail}` : ''})`)
    .join(', ');
  const starting = waiting.find((service) => service.status === 'starting') ?? waiting[0];
  const lines = starting ? logsOf(starting.name).filter((line) => line.stream !== 'styxy') : [];
  const tail = lines.slice(-QUOTED_LINES);
  const quoted =
    starting === undefined
      ? ''
      : tail.length === 0
        ? `\n(${starting.name} printed nothing)`
        : `\nlast ${tail.length === 1 ? 'line' : `${tail.length} lines`} of ${starting.name}:\n${tail.map((line) => `  | ${line.text}`).join('\n')}`;
  return new StyxyError(
    'STYXY_TIMEOUT',
    `not every service was up within ${timeoutMs / 1000} s: ${list || 'none was waiting'}${quoted}`,
    {
      hint: `everything was stopped; raise --timeout, or read ${starting ? `\`styxy logs ${starting.name}\`` : '`styxy logs`'}`,
      details: { waiting: waiting.map((service) => service.name), timeoutMs },
    },
  );
}
