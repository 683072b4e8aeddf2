/**
 * `npm run stress`: the chaos and concurrency scenarios of stress/scenarios/, run against the
 * built dist/ in a temporary folder of their own (private STYXY_HOMEs, ports 13000–16999), each
 * printing what it checked and PASS or FAIL; exits 1 when any check failed.
 *
 *   npm run stress                    every scenario (about 4 minutes on 2 cores)
 *   npm run stress -- --only 2,4      some of them
 *   npm run stress -- --quick         a short pass (fewer clients and stacks, shorter runs)
 *   npm run stress -- --seed 1234     replay a run's random choices (the seed is printed)
 *   npm run stress -- --keep          keep the temporary folder (logs, state files, records)
 *
 * Scenario 5 runs during scenario 1, as the issue asks: when both are selected they share one
 * run, and each is checked and reported on its own. Everything a run starts carries a STYXY_HOME
 * under its folder; whatever is still running at the end (after each scenario's own cleanup,
 * which is itself checked) is killed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from './lib/clock.ts';
import { parseOptions, USAGE } from './lib/options.ts';
import { commandOf, kill, processesOfHome } from './lib/processes.ts';
import { ScenarioReport } from './lib/report.ts';
import { createRng } from './lib/rng.ts';
import type { Scenario, ScenarioContext } from './lib/scenario.ts';
import { checkLeaseChurn, leaseChurn } from './scenarios/1-lease-churn.ts';
import { stackChaos } from './scenarios/2-stack-chaos.ts';
import { rangeExhaustion } from './scenarios/3-range-exhaustion.ts';
import { stubbornServices } from './scenarios/4-stubborn-services.ts';
import { checkMalformedTraffic, malformedTraffic } from './scenarios/5-malformed-traffic.ts';
import { runChurn } from './scenarios/churn.ts';

const SCENARIOS: readonly Scenario[] = [leaseChurn, stackChaos, rangeExhaustion, stubbornServices, malformedTraffic];

const parsed = parseOptions(
  process.argv.slice(2),
  SCENARIOS.map((scenario) => scenario.id),
  Math.floor(Math.random() * 2 ** 31),
);
if (!parsed.ok) {
  console.error(`stress: ${parsed.error}\n${USAGE}`);
  process.exit(2);
}
const options = parsed.options;
const root = mkdtempSync(join(tmpdir(), 'styxy-stress-'));
const deferred: (() => void | Promise<void>)[] = [];
const reports: { report: ScenarioReport; seconds: number; sharedWith: number[] }[] = [];

console.log(
  `styxy stress: node ${process.version}, ${cpus().length} CPU(s): ${cpus()[0]?.model ?? 'unknown'}; ` +
    `seed ${options.seed}${options.quick ? ', --quick' : ''}; folder ${root}`,
);

/** Runs the cleanup steps registered so far (newest first), never throwing. */
async function cleanUp(): Promise<void> {
  while (deferred.length > 0) {
    const step = deferred.pop()!;
    try {
      await step();
    } catch (error) {
      console.log(`  (cleanup step failed: ${(error as Error).message})`);
    }
  }
}

/** Kills whatever of the run still runs; returns what it found. */
function killLeftovers(): string[] {
  const left = processesOfHome(`${root}/`);
  const described = left.map((pid) => `pid ${pid}: ${commandOf(pid).slice(0, 160)}`);
  for (const pid of left) kill(pid, 'SIGKILL');
  return described;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\nstress: ${signal}: cleaning up`);
    void cleanUp().finally(() => {
      killLeftovers();
      if (!options.keep) rmSync(root, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

function contextFor(id: number): ScenarioContext {
  return {
    root,
    quick: options.quick,
    rng: createRng(options.seed + id * 7919),
    defer: (step) => deferred.push(step),
    progress: (text) => console.log(`  … ${text}`),
  };
}

/** Runs `body`, then the scenario's cleanup, then checks nothing of it is left running. */
async function runScenario(reportsOf: ScenarioReport[], body: () => Promise<void>): Promise<void> {
  const began = Date.now();
  try {
    await body();
  } catch (error) {
    for (const report of reportsOf) report.crashed(error);
  } finally {
    await cleanUp();
  }
  const clean = await pollUntil(() => processesOfHome(`${root}/`).length === 0, 10_000);
  const left = clean ? [] : killLeftovers();
  for (const report of reportsOf) {
    report.check('nothing of the scenario was left running after its cleanup', left);
    reports.push({
      report,
      seconds: (Date.now() - began) / 1000,
      sharedWith: reportsOf.filter((other) => other !== report).map((other) => other.id),
    });
  }
}

function header(scenario: Scenario, note = ''): ScenarioReport {
  console.log(`\n── scenario ${scenario.id}: ${scenario.title}${note}`);
  return new ScenarioReport(scenario.id, scenario.title);
}

function verdict(report: ScenarioReport): void {
  console.log(`${report.passed ? 'PASS' : 'FAIL'} scenario ${report.id}: ${report.title}`);
}

const together = options.only.includes(1) && options.only.includes(5);
try {
  for (const id of options.only) {
    if (interrupted) break;
    if (together && id === 5) continue;
    if (together && id === 1) {
      // One churn run with the attack alongside; each scenario checked on its own.
      console.log(
        `\n── scenarios 1 and 5 share one run (scenario 5's traffic goes on during scenario 1; --only 1 runs 1 alone)`,
      );
      const churnReport = new ScenarioReport(1, leaseChurn.title);
      const attackReport = new ScenarioReport(5, malformedTraffic.title);
      await runScenario([churnReport, attackReport], async () => {
        const outcome = await runChurn(contextFor(1), { attack: true });
        console.log(`\n── scenario 1: ${leaseChurn.title}`);
        checkLeaseChurn(outcome, churnReport);
        console.log(`\n── scenario 5: ${malformedTraffic.title}`);
        checkMalformedTraffic(outcome, attackReport);
      });
      verdict(churnReport);
      verdict(attackReport);
      continue;
    }
    const scenario = SCENARIOS.find((candidate) => candidate.id === id)!;
    const report = header(scenario);
    await runScenario([report], () => scenario.run(contextFor(id), report));
    verdict(report);
  }
} finally {
  await cleanUp();
  const left = killLeftovers();
  if (left.length > 0) console.log(`stress: killed ${left.length} leftover process(es):\n  ${left.join('\n  ')}`);
  if (!options.keep) rmSync(root, { recursive: true, force: true });
}

console.log('\n── summary');
for (const { report, seconds, sharedWith } of reports) {
  const failed = report.checks.filter((check) => !check.ok).length;
  console.log(
    `${report.passed ? 'PASS' : 'FAIL'}  ${report.id}. ${report.title} (${report.checks.length} checks${failed ? `, ${failed} failed` : ''}, ${seconds.toFixed(0)} s${sharedWith.length ? `, one run with scenario ${sharedWith.join(', ')}` : ''})`,
  );
}
const allPassed = reports.length > 0 && reports.every(({ report }) => report.passed) && !interrupted;
console.log(allPassed ? 'stress: every scenario passed' : 'stress: FAILED');
if (options.keep) console.log(`stress: kept ${root}`);
process.exit(allPassed ? 0 : 1);
