import { describe, expect, test } from 'vitest';
import type { ServiceSnapshot, StackSnapshot } from '../../../src/protocol/stack.ts';
import { columnsFor } from '../../../src/ui/model/columns.ts';
import { formatDuration, formatNote, formatPorts, formatUptime } from '../../../src/ui/model/format.ts';
import { headerParts } from '../../../src/ui/model/header.ts';
import { layoutFor, tableStart } from '../../../src/ui/model/layout.ts';
import { serviceSnapshot } from '../../helpers/memory-view.ts';

const natural = { name: 6, ports: 30, note: 20 };
const ids = (width: number) => columnsFor(width, natural).map((c) => c.id);

describe('columnsFor', () => {
  test.each([
    [74, ['name', 'status', 'ports', 'pid', 'uptime', 'restarts', 'note']],
    [73, ['name', 'status', 'ports', 'pid', 'uptime', 'restarts']],
    [61, ['name', 'status', 'ports', 'uptime', 'restarts']],
    [52, ['name', 'status', 'ports', 'restarts']],
    [43, ['name', 'status', 'ports']],
    [30, ['name', 'status']],
  ])('at %i columns: %j', (width, expected) => {
    expect(ids(width)).toEqual(expected);
  });

  test('the row never exceeds the width; ports grow to their natural width first', () => {
    for (let width = 24; width <= 200; width++) {
      const columns = columnsFor(width, natural);
      const used = 2 + columns.reduce((sum, c) => sum + c.width, 0) + 2 * (columns.length - 1);
      expect(used).toBeLessThanOrEqual(width);
    }
    expect(columnsFor(140, natural).find((c) => c.id === 'ports')!.width).toBe(30);
  });

  test('a long name is capped', () => {
    expect(columnsFor(120, { ...natural, name: 60 })[0]!.width).toBe(24);
  });
});

describe('layout', () => {
  test('the table takes at most half of the body; the logs get the rest', () => {
    expect(layoutFor(40, 5)).toEqual({ tableRows: 5, logRows: 31 });
    expect(layoutFor(20, 30)).toEqual({ tableRows: 8, logRows: 8 });
    expect(layoutFor(5, 3)).toEqual({ tableRows: 1, logRows: 1 }); // too small: the frame is cut
  });

  test('the table window keeps the selection in view', () => {
    expect(tableStart(0, 30, 8)).toBe(0);
    expect(tableStart(15, 30, 8)).toBe(11);
    expect(tableStart(29, 30, 8)).toBe(22);
    expect(tableStart(3, 5, 8)).toBe(0);
  });
});

const service = (patch: Partial<ServiceSnapshot>) => serviceSnapshot({ name: 'api', ...patch });

describe('cell formats', () => {
  test.each([
    [0, '0s'],
    [59_999, '59s'],
    [192_000, '3m12s'],
    [7_500_000, '2h05m'],
    [273_600_000, '3d04h'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('ports in config order', () => {
    expect(formatPorts({ PORT: 3001, DEBUG: 9201 })).toBe('PORT=3001 DEBUG=9201');
  });

  test('uptime only while a process runs', () => {
    expect(formatUptime(service({ pid: 5, startedAt: 1000 }), 6000)).toBe('5s');
    expect(formatUptime(service({ pid: null, startedAt: 1000 }), 6000)).toBe('-');
  });

  test('the note: the detail, else how the last process ended', () => {
    expect(formatNote(service({ detail: 'restarting in 2.0 s' }))).toBe('restarting in 2.0 s');
    expect(formatNote(service({ lastExit: { code: 3, signal: null, at: 0 } }))).toBe('exit code 3');
    expect(formatNote(service({ lastExit: { code: null, signal: 'SIGKILL', at: 0 } }))).toBe('killed by SIGKILL');
    expect(formatNote(service({ pid: 9, lastExit: { code: 3, signal: null, at: 0 } }))).toBe('');
  });
});

describe('headerParts', () => {
  const snapshot = {
    stack: { id: 'x', name: 'default', project: 'shop', root: '/', pid: 1, detached: false },
    coordinator: { pid: 7, leases: 1 },
    phase: 'running',
    services: [],
  } satisfies StackSnapshot;

  test('drops facts that do not fit, keeping the phase', () => {
    expect(headerParts(snapshot, 4121, 100).facts).toEqual(['coordinator pid 4121', '1 port leased']);
    expect(headerParts(snapshot, 4121, 60).facts).toEqual(['coordinator pid 4121']);
    expect(headerParts(snapshot, null, 20)).toMatchObject({ title: 'shop / default', facts: [], phase: 'running' });
  });
});
