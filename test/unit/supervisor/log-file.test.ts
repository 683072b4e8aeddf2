import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogFileLine, LogFile, parseLogFileLine } from '../../../src/supervisor/log-file.js';
import { waitFor } from '../../helpers/wait.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (text: string) => ({ time: Date.UTC(2030, 0, 2, 3, 4, 5, 6), stream: 'stdout' as const, text });

describe('LogFile', () => {
  it('writes one parseable line per output line', () => {
    dir = mkdtempSync(join(tmpdir(), 'styxy-logfile-'));
    const file = new LogFile(join(dir, 'api.log'));
    file.write(line('hello world'));
    file.write({ ...line(''), stream: 'styxy' });
    file.close();
    const text = readFileSync(join(dir, 'api.log'), 'utf8');
    expect(text).toBe('2030-01-02T03:04:05.006Z stdout hello world\n2030-01-02T03:04:05.006Z styxy \n');
    expect(text.trim().split('\n').map(parseLogFileLine)).toEqual([
      line('hello world'),
      { ...line(''), stream: 'styxy' },
    ]);
    expect(parseLogFileLine('garbage')).toBeNull();
    // The time is formatted once per millisecond, and again for the next one.
    expect(formatLogFileLine({ ...line('a'), time: line('a').time + 1 })).toBe('2030-01-02T03:04:05.007Z stdout a\n');
  });

  it('rotates past the cap, keeping two files, and starts each run in a fresh file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'styxy-logfile-'));
    const path = join(dir, 'api.log');
    writeFileSync(path, 'last run\n');
    const size = formatLogFileLine(line('x'.repeat(50))).length;
    const file = new LogFile(path, { maxBytes: size * 3 });
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('last run\n');
    for (let i = 0; i < 10; i++) {
      file.write(line(`${i}`.padEnd(50, 'x')));
      file.flush();
    }
    file.close();
    // The oldest part is deleted in the background.
    await waitFor(() => readdirSync(dir).length === 2, { message: 'the oldest part deleted' });
    expect(readdirSync(dir).sort()).toEqual(['api.log', 'api.log.1']);
    const current = readFileSync(path, 'utf8').trim().split('\n');
    const previous = readFileSync(`${path}.1`, 'utf8').trim().split('\n');
    expect(current.map((l) => parseLogFileLine(l)!.text[0])).toEqual(['9']);
    expect(previous.map((l) => parseLogFileLine(l)!.text[0])).toEqual(['6', '7', '8']);
  });

  it('gives up quietly (once) when the folder is gone', () => {
    dir = mkdtempSync(join(tmpdir(), 'styxy-logfile-'));
    const errors: Error[] = [];
    const file = new LogFile(join(dir, 'missing', 'api.log'), { onError: (error) => errors.push(error) });
    file.write(line('a'));
    file.close();
    expect(errors).toHaveLength(1);
  });
});
