/**
 * Scenario 1: 64 client processes lease and release in a tight loop for 60 s, with random
 * SIGKILLs of clients (respawned). At every moment no port is held by two owners — checked on
 * the clients' own records against each other (lease-check.ts), against the coordinator's list
 * sampled all along, and by each client binding every port it holds — and at the end every
 * port is free: no lease left, every port bindable.
 */
import { checkHoldings } from '../lib/lease-check.ts';
import type { ScenarioReport } from '../lib/report.ts';
import type { Scenario } from '../lib/scenario.ts';
import { type ChurnOutcome, runChurn } from './churn.ts';

export const leaseChurn: Scenario = {
  id: 1,
  title: '64 clients leasing and releasing for 60 s, SIGKILLed at random',
  async run(context, report) {
    checkLeaseChurn(await runChurn(context, { attack: false }), report);
  },
};

export function checkLeaseChurn(outcome: ChurnOutcome, report: ScenarioReport): void {
  const { runs } = outcome;
  const holdings = runs.flatMap((run) => run.holdings);
  const batches = runs.reduce((sum, run) => sum + run.batches, 0);
  const diedHolding = runs.filter((run) => run.open.length > 0 && run.quit === false).length;
  const result = checkHoldings(holdings, outcome.samples, outcome.origin);
  report.note(
    `${outcome.clients} clients for ${outcome.seconds} s: ${batches.toLocaleString('en-US')} leases ` +
      `(${holdings.length.toLocaleString('en-US')} port holdings on ${new Set(holdings.map((h) => h.port)).size} ports), ` +
      `${outcome.kills} clients SIGKILLed (${diedHolding} while holding ports), ${outcome.incarnations} client processes, ` +
      `${result.checkedSamples.toLocaleString('en-US')} samples of the coordinator's list`,
  );
  report.expect(
    holdings.length >= 1000 && result.checkedSamples >= 100 && diedHolding >= 1,
    'the run had something to check: ≥ 1,000 holdings, ≥ 100 samples, clients killed while holding ports',
    `only ${holdings.length} holdings, ${result.checkedSamples} samples, ${diedHolding} killed holding ports`,
  );
  report.check(
    'no port was held by two clients at once (a killed client holds its ports until the coordinator reaps it)',
    result.overlaps,
  );
  report.check(
    "the coordinator's own list agreed with every client at every sample (the holder's pid, never free, never twice)",
    [...result.duplicates, ...result.disagreements],
  );
  report.check(
    'every client could bind every port it held (no EADDRINUSE)',
    runs.flatMap((run) => run.conflicts),
  );
  report.check(
    'no fixed port was refused as in use by another program (nothing listens on a port without a lease)',
    runs.flatMap((run) => run.anomalies),
  );
  report.check('no call of a client failed, and no client lost its connection', wellBehavedErrors(outcome));
  report.check('no client crashed or failed to stop when asked', outcome.fleetProblems);
  report.expect(
    outcome.coordinatorPids.length === 1 && outcome.coordinatorPids[0] === outcome.firstCoordinatorPid,
    `the coordinator ran as one process throughout (pid ${outcome.firstCoordinatorPid})`,
    `coordinator pids seen: ${outcome.coordinatorPids.join(', ')}`,
  );
  report.check(
    'at the end no lease is left in the range (killed clients reaped)',
    outcome.leftoverLeases.map((lease) => `port ${lease.port} still leased to pid ${lease.pid} (${lease.service})`),
  );
  report.check(
    'at the end every port of the range can be bound on every local address',
    outcome.unbindable.map((port) => `port ${port} cannot be bound`),
  );
  report.check('the coordinator logged no bug and no crash', logProblems(outcome.coordinatorLog));
}

/** Errors and dropped connections of the well-behaved clients (the churn clients and the sampler). */
export function wellBehavedErrors(outcome: ChurnOutcome): string[] {
  return [
    ...outcome.runs.flatMap((run) => run.errors),
    ...outcome.runs
      .filter((run) => run.disconnects > 0)
      .map((run) => `${run.label} lost its connection ${run.disconnects} time(s)`),
    ...outcome.samplerErrors,
  ];
}

export function logProblems(log: string): string[] {
  return log.split('\n').filter((line) => /\bbug\b|crashed|uncaught/i.test(line));
}
