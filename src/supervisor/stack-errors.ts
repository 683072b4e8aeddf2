/** The errors a stack's start and end are reported with: which service, why, and its last lines. */
import { StyxyError } from '../protocol/errors.js';
import type { LogLine } from '../protocol/stack.js';

/** Lines of a failed service quoted in its error. */
export const FAILURE_TAIL_LINES = 20;

export function serviceFailedError(service: string, reason: string, lines: readonly LogLine[]): StyxyError {
  const tail = lines.filter((line) => line.stream !== 'styxy').slice(-FAILURE_TAIL_LINES);
  const quoted =
    tail.length === 0
      ? `\n(${service} printed nothing)`
      : `\nlast ${tail.length === 1 ? 'line' : `${tail.length} lines`} of ${service}:\n${tail.map((line) => `  | ${line.text}`).join('\n')}`;
  return new StyxyError('STYXY_SERVICE_FAILED', `service "${service}" failed: ${reason}${quoted}`, {
    hint: hintFor(service, reason),
    details: { service, reason, lines: tail.map((line) => line.text) },
  });
}

function hintFor(service: string, reason: string): string {
  if (reason.startsWith('ready check timed out')) {
    return `does "${service}" listen on the port Styxy gives it in $PORT? If it needs longer to start, raise ready.timeout`;
  }
  if (reason.startsWith('could not start')) return `check its command and cwd: \`styxy config\` prints them resolved`;
  return `\`styxy config\` prints its command and environment as Styxy runs it`;
}

export function interruptedError(): StyxyError {
  return new StyxyError('STYXY_INTERRUPTED', 'stopped before every service was ready');
}

export function stoppingError(stack: string): StyxyError {
  return new StyxyError('STYXY_STACK_STOPPING', `stack ${stack} is stopping`, {
    hint: 'run `styxy up` again once it has stopped',
  });
}

export function unknownServiceError(service: string, known: readonly string[]): StyxyError {
  return new StyxyError('STYXY_UNKNOWN_SERVICE', `no service "${service}" in this stack`, {
    hint: `services: ${known.join(', ')}`,
    details: { service, known },
  });
}
