/**
 * Scenario 1's soundness check (stress/lib/lease-check.ts) and the client records it reads
 * (stress/lib/churn-records.ts): overlapping holdings, a killed holder's lawful end, and the
 * coordinator's list against what clients held.
 */
import { describe, expect, it } from 'vitest';
import { parseClientRecords } from '../../../stress/lib/churn-records.ts';
import { checkHoldings, type Holding, holderIn, makeSample } from '../../../stress/lib/lease-check.ts';

const held = (port: number, pid: number, start: number, end: number | null, aliveUntil = end ?? start): Holding => ({
  port,
  pid,
  label: `client ${pid}`,
  start,
  end,
  aliveUntil,
});

describe('checkHoldings', () => {
  it('passes holdings of one port one after another, and holdings of different ports at once', () => {
    const result = checkHoldings([held(3000, 1, 0, 10), held(3000, 2, 11, 20), held(3001, 3, 5, 15)], []);
    expect(result.overlaps).toEqual([]);
    expect(result.disagreements).toEqual([]);
  });

  it('reports two holdings of one port that overlap, even across a third', () => {
    const result = checkHoldings([held(3000, 1, 0, 100), held(3000, 2, 10, 20), held(3000, 3, 50, 60)], []);
    expect(result.overlaps).toHaveLength(2);
    expect(result.overlaps[0]).toMatch(/^port 3000: client 1 \(pid 1\) .* and client 2 \(pid 2\) .* overlap$/);
  });

  it("extends a killed holder's holding to the last sample still listing its lease", () => {
    const killed = held(3000, 1, 0, null, 10); // SIGKILLed at 10 while holding the port
    const samples = [
      makeSample(15, 16, [{ port: 3000, pid: 1 }]), // not reaped yet
      makeSample(30, 31, []),
    ];
    // Granted after the reap: lawful.
    expect(checkHoldings([killed, held(3000, 2, 25, 40)], samples).overlaps).toEqual([]);
    // Held before the coordinator stopped listing the dead owner's lease: a double lease.
    expect(checkHoldings([killed, held(3000, 2, 12, 40)], samples).overlaps).toHaveLength(1);
    // Without any sample, the kill itself is the lower bound.
    expect(checkHoldings([killed, held(3000, 2, 9, 40)], []).overlaps).toHaveLength(1);
    expect(checkHoldings([killed, held(3000, 2, 11, 40)], []).overlaps).toEqual([]);
  });

  it('checks every sample a holding spans against the coordinator list: the holder, never free or another', () => {
    const holding = held(3000, 1, 0, 100);
    const agree = makeSample(10, 12, [{ port: 3000, pid: 1 }]);
    const free = makeSample(20, 22, []);
    const other = makeSample(30, 32, [{ port: 3000, pid: 9 }]);
    const straddling = makeSample(99, 101, []); // not spanned: the release may have happened inside
    const result = checkHoldings([holding], [agree, free, other, straddling]);
    expect(result.disagreements).toHaveLength(2);
    expect(result.disagreements[0]).toMatch(/shows no lease$/);
    expect(result.disagreements[1]).toMatch(/shows pid 9$/);
    expect(result.checkedSamples).toBe(4);
  });

  it('reports a list with a port twice', () => {
    expect(
      checkHoldings(
        [],
        [
          makeSample(0, 1, [
            { port: 5, pid: 1 },
            { port: 5, pid: 2 },
          ]),
        ],
      ).duplicates,
    ).toHaveLength(1);
  });

  it('finds a port in a sample', () => {
    const sample = makeSample(
      0,
      1,
      [3, 1, 2, 9].map((port) => ({ port, pid: port * 10 })),
    );
    expect([1, 2, 3, 9, 4].map((port) => holderIn(sample, port))).toEqual([10, 20, 30, 90, null]);
  });
});

describe('parseClientRecords', () => {
  it('turns acquire/release lines into holdings, open ones ending at the kill', () => {
    const text = [
      'S 1.0 42 7',
      'A 2.0 3000 3001',
      'R 3.0 3000 3001',
      'A 4.0 3002',
      'C 4.1 3002 EADDRINUSE',
      'E 4.2 STYXY_INTERNAL boom',
      'F 4.3',
      'D 4.4',
      'A 5.0 3003',
      'B 5.1 port 3005 is in use by another program',
      'R 5', // torn: no port
      'X 5.2 ???',
      'Q 6', // a quit with no count still counts as a quit
      'A 7.',
    ].join('\n');
    const run = parseClientRecords(text, 'client 0#0', 10);
    expect(run.pid).toBe(42);
    expect(run.coordinatorPid).toBe(7);
    expect(run.holdings.map((h) => [h.port, h.start, h.end, h.aliveUntil])).toEqual([
      [3000, 2, 3, 3],
      [3001, 2, 3, 3],
      [3002, 4, null, 10],
      [3003, 5, null, 10],
    ]);
    expect(run.open).toEqual([3002, 3003]);
    expect(run.conflicts).toEqual(['client 0#0 (pid 42) could not bind its port 3002: EADDRINUSE']);
    expect(run.errors).toEqual(['client 0#0 (pid 42): STYXY_INTERNAL boom']);
    expect(run.anomalies).toEqual(['client 0#0: port 3005 is in use by another program']);
    expect([run.refusedFixed, run.disconnects, run.batches, run.quit]).toEqual([1, 1, 3, true]);
  });

  it('ends the open holdings of a client that was not killed at its last line', () => {
    const run = parseClientRecords('S 1 42 7\nA 2 3000\nE 3 X y\n', 'c', null);
    expect(run.holdings[0]).toMatchObject({ end: null, aliveUntil: 3 });
  });
});
