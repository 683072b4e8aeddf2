/**
 * Scenario 5: malformed traffic on the coordinator's socket and on a stack's control socket
 * during scenario 1 (garbage, huge frames, half frames, invalid JSON, wrong types, unknown
 * methods, floods, idle peers): the well-behaved clients see no error, the daemon's pid never
 * changes, and the stack under attack keeps serving its control socket and its ports.
 */
import { totalTally } from '../lib/attack.ts';
import type { ScenarioReport } from '../lib/report.ts';
import type { Scenario } from '../lib/scenario.ts';
import { logProblems, wellBehavedErrors } from './1-lease-churn.ts';
import { type ChurnOutcome, runChurn } from './churn.ts';

export const malformedTraffic: Scenario = {
  id: 5,
  title: "malformed traffic on the coordinator's and a stack's control socket during scenario 1",
  async run(context, report) {
    checkMalformedTraffic(await runChurn(context, { attack: true }), report);
  },
};

export function checkMalformedTraffic(outcome: ChurnOutcome, report: ScenarioReport): void {
  const attacked = outcome.attack;
  if (!attacked) {
    report.expect(false, 'the attack ran', 'the churn ran without the attack');
    return;
  }
  const { outcome: attack } = attacked;
  const coordinator = totalTally(attack.coordinatorTallies);
  const control = totalTally(attack.controlTallies);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  const kinds = Object.keys({ ...coordinator.kinds, ...control.kinds }).sort();
  report.note(
    `${coordinator.sessions.toLocaleString('en-US')} malformed sessions (${mb(coordinator.bytes)}) on the coordinator's socket, ` +
      `${control.sessions.toLocaleString('en-US')} (${mb(control.bytes)}) on the stack's control socket, of ${kinds.length} kinds: ${kinds.join(', ')}`,
  );
  report.note(
    `answered with an error ${coordinator.errorReplies.toLocaleString('en-US')} / ${control.errorReplies.toLocaleString('en-US')} times, ` +
      `dropped by the server ${coordinator.closedByServer.toLocaleString('en-US')} / ${control.closedByServer.toLocaleString('en-US')} times (coordinator / control)`,
  );
  report.check('every attacker ran to the end and reported', attack.attackerProblems);
  report.expect(
    coordinator.sessions > 0 && control.sessions > 0 && coordinator.errorReplies > 0 && control.errorReplies > 0,
    'the attack reached both sockets (error replies came back from both)',
    `coordinator ${coordinator.sessions} sessions/${coordinator.errorReplies} error replies, control ${control.sessions}/${control.errorReplies}`,
  );
  report.expect(
    outcome.coordinatorPids.length === 1 && outcome.coordinatorPids[0] === outcome.firstCoordinatorPid,
    `the coordinator's pid never changed (${outcome.firstCoordinatorPid})`,
    `coordinator pids seen: ${outcome.coordinatorPids.join(', ')}`,
  );
  const calls = outcome.runs.reduce((sum, run) => sum + run.batches * 2, 0) + outcome.samples.length;
  report.check(
    `the well-behaved clients' error rate stayed zero (${calls.toLocaleString('en-US')} calls, no dropped connection)`,
    wellBehavedErrors(outcome),
  );
  report.check('the coordinator logged the refusals and no bug', [
    ...logProblems(outcome.coordinatorLog),
    ...(/malformed request|unknown message type|peer dropped/.test(outcome.coordinatorLog)
      ? []
      : ['no refusal in the coordinator log: did the attack reach it?']),
  ]);
  report.expect(
    attacked.supervisorAlive,
    `the stack's supervisor kept running as the same process (pid ${attacked.stack.pid})`,
    'the supervisor is gone or changed',
  );
  report.check(
    `the control socket's well-behaved client and subscriber saw no error and no change (${attack.control.requests.toLocaleString('en-US')} requests, ${attack.control.events.toLocaleString('en-US')} events)`,
    [
      ...attack.control.errors,
      ...attack.control.changes,
      ...(attack.control.events > 0 ? [] : ['the subscriber received no event']),
    ],
  );
  report.check(
    `the stack's services answered on their ports throughout (${attack.http.requests.toLocaleString('en-US')} requests)`,
    attack.http.errors,
  );
  report.check('the supervisor logged no bug', logProblems(attacked.supervisorOutput));
  report.check('`styxy down` stopped the stack afterwards', attacked.down === null ? [] : [attacked.down]);
}
