/**
 * What `up -d` and its background supervisor agree on: the arguments, the reports on the pipe
 * (anything else on it is ignored, never trusted), and the error of a start that ran out of time.
 */
import { describe, expect, it } from 'vitest';
import type { LogLine, StackSnapshot } from '../../../src/protocol/stack.js';
import { decodeArgs, encodeArgs, readReport } from '../../../src/supervisor/background/launch.js';
import { startTimeoutError } from '../../../src/supervisor/background/timeout-error.js';

describe('background launch', () => {
  it('arguments round-trip; anything else is refused', () => {
    const args = { cwd: '/p', config: null, stackName: 'review', services: ['web'], profiles: [], timeoutMs: 5000 };
    expect(decodeArgs(encodeArgs(args))).toEqual(args);
    expect(() => decodeArgs(['{"cwd":"/p"}'])).toThrow(/not arguments of a background supervisor/);
    expect(() => decodeArgs([])).toThrow();
  });

  it.each([
    ['{"type":"starting","text":"starting shop"}', 'starting'],
    ['{"type":"progress","service":"api","text":"ready on :1"}', 'progress'],
    ['{"type":"up","snapshot":{}}', 'up'],
    ['{"type":"failed","error":{"code":"STYXY_SERVICE_FAILED","message":"boom"}}', 'failed'],
  ])('reads %s', (line, type) => {
    expect(readReport(line)?.type).toBe(type);
  });

  it.each([
    'not json',
    'null',
    '{"type":"up"}',
    '{"type":"failed","error":{"code":1}}',
    '{"type":"progress","text":"no service"}',
    '{"type":"other"}',
  ])('ignores %s', (line) => {
    expect(readReport(line)).toBeNull();
  });
});

describe('start timeout error', () => {
  const service = (name: string, status: string, detail: string | null = null) =>
    ({ name, status, detail, ports: {}, pid: null, restarts: 0 }) as unknown as StackSnapshot['services'][number];
  const snapshot = {
    services: [
      service('db', 'ready'),
      service('api', 'starting', 'waiting for its ready check'),
      service('web', 'pending', 'waiting for api (ready)'),
    ],
  } as unknown as StackSnapshot;
  const logs = (name: string): LogLine[] =>
    name === 'api'
      ? [
          { seq: 1, service: 'api', stream: 'styxy', text: 'starting (pid 9)', time: 0 },
          ...Array.from({ length: 12 }, (_, i) => ({
            seq: i + 2,
            service: 'api',
            stream: 'stdout' as const,
            text: `booting ${i}`,
            time: 0,
          })),
        ]
      : [];

  it('names what was not up and why, quotes the last lines of the one starting, hints at --timeout', () => {
    const error = startTimeoutError(snapshot, 30_000, logs);
    expect(error.code).toBe('STYXY_TIMEOUT');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      [
        'not every service was up within 30 s: api (starting: waiting for its ready check), web (pending: waiting for api (ready))',
        'last 10 lines of api:',
        ...Array.from({ length: 10 }, (_, i) => `  | booting ${i + 2}`),
      ].join('\n'),
    );
    expect(error.hint).toBe('everything was stopped; raise --timeout, or read `styxy logs api`');
    expect(error.details).toEqual({ waiting: ['api', 'web'], timeoutMs: 30_000 });
  });

  it('says when the one waited for printed nothing', () => {
    const error = startTimeoutError(snapshot, 1500, () => []);
    expect(error.message).toMatch(/^not every service was up within 1\.5 s: .*\n\(api printed nothing\)$/);
  });
});
