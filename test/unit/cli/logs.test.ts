/**
 * What `styxy logs` reads and prints: the tail of a log file (across chunk boundaries, partial
 * first lines, the rotated part), services merged in time order, and each line as people or
 * scripts want it (names, [styxy] notes, no escapes without a terminal, JSON lines).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineFormatter } from '../../../src/cli/logs/format-line.js';
import { readLogTail, servicesWithLogs } from '../../../src/cli/logs/stack-logs.js';
import { tailLines } from '../../../src/cli/logs/tail-file.js';
import { secondsOption } from '../../../src/cli/seconds-option.js';
import { formatLogFileLine } from '../../../src/supervisor/log-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'styxy-logs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const at = (second: number) => Date.UTC(2026, 0, 1, 0, 0, second);
const fileLine = (second: number, text: string, stream: 'stdout' | 'stderr' | 'styxy' = 'stdout') =>
  formatLogFileLine({ time: at(second), stream, text });

describe('tailLines', () => {
  it.each([
    ['short file', 'a\nb\nc\n', 2, ['b', 'c']],
    ['fewer lines than asked', 'a\nb\n', 5, ['a', 'b']],
    ['no newline at the end', 'a\nb\nc', 2, ['b', 'c']],
    ['empty file', '', 3, []],
    ['none asked', 'a\n', 0, []],
  ])('%s', (_name, text, count, expected) => {
    const file = join(dir, 'x.log');
    writeFileSync(file, text);
    expect(tailLines(file, count)).toEqual(expected);
  });

  it('reads across 64 KiB chunks without a partial first line or a broken character', () => {
    const file = join(dir, 'big.log');
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 50)}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect(tailLines(file, 3000)).toEqual(lines.slice(-3000));
    expect(tailLines(file, 1)).toEqual(lines.slice(-1));
  });

  it('a missing file has no lines', () => {
    expect(tailLines(join(dir, 'nope.log'), 10)).toEqual([]);
  });
});

describe('stack log files', () => {
  it('lists services by their files (rotated parts too), ignoring everything else', () => {
    for (const name of ['web.log', 'api.log', 'api.log.1', 'old.log.1', 'control.sock', 'supervisor.out', 'a.b.log']) {
      writeFileSync(join(dir, name), '');
    }
    expect(servicesWithLogs(dir)).toEqual(['api', 'old', 'web']);
    expect(servicesWithLogs(join(dir, 'missing'))).toEqual([]);
  });

  it('merges services by time, keeps each file in order, reads into the rotated part, takes the newest', () => {
    writeFileSync(join(dir, 'api.log.1'), fileLine(1, 'api old 1') + fileLine(2, 'api old 2'));
    writeFileSync(join(dir, 'api.log'), fileLine(5, 'api 5') + fileLine(7, 'api 7a') + fileLine(7, 'api 7b'));
    writeFileSync(
      join(dir, 'web.log'),
      [fileLine(6, 'web 6'), fileLine(7, 'web 7', 'styxy'), 'not a log line\n'].join(''),
    );
    const texts = (count: number) => readLogTail(dir, ['api', 'web'], count).map((line) => line.text);
    expect(texts(100)).toEqual([
      'api old 1',
      'api old 2',
      'api 5',
      'web 6',
      'api 7a',
      'api 7b',
      'web 7',
      'not a log line',
    ]);
    expect(texts(3)).toEqual(['api 7b', 'web 7', 'not a log line']);
    expect(readLogTail(dir, ['web'], 2)).toEqual([
      { service: 'web', stream: 'styxy', text: 'web 7', time: at(7) },
      { service: 'web', stream: 'stdout', text: 'not a log line', time: at(7) },
    ]);
  });
});

describe('lineFormatter', () => {
  const base = { services: ['api', 'worker'], timestamps: false, json: false, env: {} };
  const line = { service: 'api', stream: 'stdout' as const, text: '\u001b[32mGET\u001b[0m /x\u001b[2J', time: at(3) };

  it('without a terminal: padded names, no escapes at all, [styxy] notes', () => {
    const format = lineFormatter({ ...base, prefix: true, stdout: { isTTY: false } });
    expect(format(line)).toBe('api    | GET /x\n');
    expect(format({ ...line, stream: 'styxy', text: 'ready on :8001' })).toBe('api    | [styxy] ready on :8001\n');
    const single = lineFormatter({ ...base, prefix: false, timestamps: true, stdout: { isTTY: false } });
    expect(single(line)).toBe('2026-01-01T00:00:03.000Z GET /x\n');
  });

  it('on a terminal: coloured names, the service colours kept, screen controls dropped; NO_COLOR turns it off', () => {
    const format = lineFormatter({ ...base, prefix: true, stdout: { isTTY: true } });
    expect(format(line)).toBe('\u001b[96mapi    |\u001b[39m \u001b[32mGET\u001b[0m /x\n');
    const plain = lineFormatter({ ...base, prefix: true, stdout: { isTTY: true }, env: { NO_COLOR: '1' } });
    expect(plain(line)).toBe('api    | GET /x\n');
  });

  it('piped or with NO_COLOR: every C0 and C1 control but tab goes (BEL, backspace, CSI, \\r); tabs stay', () => {
    const hostile = {
      ...line,
      text: 'ring\u0007 back\b \u009b31mc1\u009d0;title\u0007 \u001b]0;osc\u0007\tend\u0085\u007f',
    };
    for (const options of [{ stdout: { isTTY: false } }, { stdout: { isTTY: true }, env: { NO_COLOR: '1' } }]) {
      const text = lineFormatter({ ...base, prefix: false, ...options })(hostile);
      expect(text).toBe('ring back c1 \tend\n');
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    const progress = lineFormatter({ ...base, prefix: false, stdout: { isTTY: false } });
    expect(progress({ ...line, text: '10%\r50%\r100%' })).toBe('100%\n'); // what a terminal shows last
  });

  it('--json: one object per line, the text as the service printed it', () => {
    const format = lineFormatter({ ...base, prefix: true, json: true, stdout: { isTTY: true } });
    expect(JSON.parse(format(line))).toEqual({
      time: '2026-01-01T00:00:03.000Z',
      service: 'api',
      stream: 'stdout',
      text: line.text,
    });
  });
});

describe('--timeout', () => {
  it.each([
    [undefined, 120_000],
    ['30', 30_000],
    ['0.5', 500],
  ])('%s → %d ms', (value, ms) => {
    expect(secondsOption(value, 120)).toBe(ms);
  });
  it.each(['0', '-1', 'soon', '1e3', '90000'])('%s is a usage error', (value) => {
    expect(() => secondsOption(value, 120)).toThrow(expect.objectContaining({ code: 'STYXY_USAGE', exitCode: 2 }));
  });
});
