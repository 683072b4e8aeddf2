/**
 * Checks on what a stack's control socket sends back (replies and events), by hand: the client's
 * path loads no zod (see transport/envelope.ts). A frame in another shape is ignored (an event) or
 * an error (a reply), never trusted blindly.
 */
import type { ControlHello, StopStackResult, SubscribeResult } from '../protocol/control.js';
import { StyxyError } from '../protocol/errors.js';
import type { LogLine, StackSnapshot } from '../protocol/stack.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function isSnapshot(value: unknown): value is StackSnapshot {
  if (!isObject(value) || !isObject(value.stack) || !Array.isArray(value.services)) return false;
  const { stack } = value;
  return (
    typeof stack.id === 'string' &&
    typeof stack.name === 'string' &&
    typeof stack.pid === 'number' &&
    typeof value.phase === 'string' &&
    value.services.every((service) => isObject(service) && typeof service.name === 'string')
  );
}

export function isLogLine(value: unknown): value is LogLine {
  return (
    isObject(value) &&
    typeof value.seq === 'number' &&
    typeof value.service === 'string' &&
    (value.stream === 'stdout' || value.stream === 'stderr' || value.stream === 'styxy') &&
    typeof value.text === 'string' &&
    typeof value.time === 'number'
  );
}

/** The lines of a `logs` reply or event (lines in another shape are left out). */
export function readLines(value: unknown): LogLine[] {
  return Array.isArray(value) ? value.filter(isLogLine) : [];
}

function malformed(what: string): StyxyError {
  return new StyxyError('STYXY_STACK_UNREACHABLE', `the stack's supervisor sent a malformed ${what}`, {
    hint: 'it may be of another Styxy version: stop it with `styxy down` and start it again',
  });
}

export function readHello(value: unknown): ControlHello {
  if (!isObject(value) || !isObject(value.stack) || typeof value.stack.pid !== 'number') throw malformed('hello');
  return value as unknown as ControlHello;
}

export function readSnapshot(value: unknown): StackSnapshot {
  if (!isSnapshot(value)) throw malformed('snapshot');
  return value;
}

export function readSubscribe(value: unknown): SubscribeResult {
  if (!isObject(value) || !isSnapshot(value.snapshot)) throw malformed('subscription');
  return { snapshot: value.snapshot, lines: readLines(value.lines) };
}

export function readStopResult(value: unknown): StopStackResult {
  if (!isObject(value) || !['clean', 'interrupted', 'failed'].includes(value.outcome as string)) {
    throw malformed('stop result');
  }
  return {
    outcome: value.outcome as StopStackResult['outcome'],
    ...(typeof value.message === 'string' ? { message: value.message } : {}),
  };
}
