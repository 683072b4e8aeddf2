/**
 * Scenario 2: 20 stacks (copies of examples/web-api-worker, each in its own folder) started at
 * once with `styxy up -d`, then rounds of SIGKILLs of background supervisors and of the
 * coordinator itself, while new stacks start in the middle of it. After each round: every
 * surviving stack keeps its ports (re-claimed from the new coordinator when it was killed) and
 * its services still answer on them; every killed stack is reaped (no process with its run tag,
 * no lease, no stack); new stacks never got a port a live stack holds; the coordinator's table
 * is exactly the live stacks' ports; nothing runs that belongs to no live stack.
 */
import { join } from 'node:path';
import { describeResult, runCli } from '../lib/cli.ts';
import { pollUntil, sleep } from '../lib/clock.ts';
import { connect, coordinatorPid, coordinatorProcesses, stopCoordinator } from '../lib/coordinator.ts';
import { kill } from '../lib/processes.ts';
import { copyExample } from '../lib/projects.ts';
import { type Rival, startRival } from '../lib/rivals.ts';
import type { Scenario } from '../lib/scenario.ts';
import { runTokenOf, upDetached } from '../lib/stacks.ts';
import { makeStressHome, type Range, type StressHome } from '../lib/stress-home.ts';
import { type ChaosStack, inspect, settled } from './stack-chaos-checks.ts';

/** Narrow enough that killed stacks' ports are handed out again within the run. */
const TYPES = { api: [14_000, 14_039] as Range, dev: [14_100, 14_139] as Range };

type RoundKind = 'supervisors' | 'coordinator' | 'both';
const ROUNDS: readonly RoundKind[] = ['supervisors', 'coordinator', 'both', 'both', 'supervisors'];

export const stackChaos: Scenario = {
  id: 2,
  title: '20 stacks with up -d; SIGKILLs of their supervisors and of the coordinator, new stacks meanwhile',
  async run(context, report) {
    const { quick, rng, progress } = context;
    const initial = quick ? 8 : 20;
    const rounds = quick ? ROUNDS.slice(1, 3) : ROUNDS;
    const home = makeStressHome(context.root, 'stacks', 14_000, TYPES);
    context.defer(() => stopCoordinator(home));
    let folders = 0;
    const newProject = () =>
      copyExample('web-api-worker', join(context.root, 'projects', `p${String(folders++).padStart(2, '0')}`));
    const live = new Map<string, ChaosStack>();
    const dead: ChaosStack[] = [];
    context.defer(async () => {
      await runCli(['down', '--all', '--force'], { env: home.env, cwd: context.root, timeoutMs: 120_000 });
    });

    /** Starts `count` stacks at once (no coordinator needs to run: the first ones start it). */
    const startStacks = async (count: number, gaps: readonly number[] = []) => {
      const dirs = Array.from({ length: count }, newProject);
      let delay = 0;
      const results = await Promise.all(
        dirs.map((dir, i) => {
          delay += gaps[i] ?? 0;
          return sleep(delay).then(() => upDetached(home, dir));
        }),
      );
      const failures: string[] = [];
      const started: ChaosStack[] = [];
      for (const result of results) {
        if (!result.ok) failures.push(result.why);
        else started.push({ ...result.stack, runToken: '' });
      }
      return { started, failures };
    };
    /** Fills in the run tokens (from the services' STYXY_TAG) and adds the stacks to `live`. */
    const adopt = async (stacks: ChaosStack[]) => {
      for (const stack of stacks)
        live.set(stack.id, { ...stack, runToken: runTokenOf(Object.values(stack.servicePids)) });
    };

    const began = Date.now();
    const first = await startStacks(initial);
    await adopt(first.started);
    progress(`${first.started.length} stacks up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    report.check(`${initial} stacks started at once with \`styxy up -d\` all came up`, first.failures);
    report.expect(
      coordinatorProcesses(home).length === 1,
      'they started exactly one coordinator among them',
      `coordinator processes: ${coordinatorProcesses(home).join(', ') || 'none'}`,
    );
    await checkRound('after the start', []);

    for (const [index, kind] of rounds.entries()) {
      const survivorsBefore = [...live.values()];
      const rivals: Rival[] = [];
      const victims = kind === 'coordinator' ? [] : rng.sample(survivorsBefore, rng.int(2, 3));
      const coordinatorBefore = coordinatorPid(home);
      // New stacks start one after another; the kills land while they are starting.
      const gaps = [0, rng.int(100, 700), rng.int(100, 700)];
      const newcomers = startStacks(3, gaps);
      let aimed = '';
      if (kind === 'supervisors') await sleep(rng.int(50, 1500));
      else {
        // The coordinator dies just after granting a new stack its ports: the moment a grant
        // is most at risk of being lost (its state file is written up to 100 ms later).
        const known = new Set([...live.keys(), ...dead.map((stack) => stack.id)]);
        // Rivals, booted now, race the live stacks' re-claims for the next coordinator's first grants.
        for (let i = 0; i < 3; i++) rivals.push(startRival(home));
        const target = await killAfterGrant(home, known, 15_000);
        for (const rival of rivals) rival.go();
        aimed = target ? `, just after it granted ${target} its ports` : '';
      }
      for (const victim of victims) {
        kill(victim.pid, 'SIGKILL');
        live.delete(victim.id);
        dead.push(victim);
      }
      const arrived = await newcomers;
      await adopt(arrived.started);
      const quiet = await pollUntil(() => settled(home, [...live.values()], dead), 30_000, 200);
      progress(
        `round ${index + 1} (${kind}): killed ${victims.length} supervisor(s)` +
          `${kind === 'supervisors' ? '' : ` and the coordinator (pid ${coordinatorBefore} → ${coordinatorPid(home)}${aimed})`}, ` +
          `started ${arrived.started.length}; ${live.size} stacks live${quiet ? '' : ' (not settled after 30 s)'}`,
      );
      const rivalsReady = await pollUntil(() => rivals.every((rival) => rival.ports() !== null), 20_000);
      report.check('new stacks started during the round came up', arrived.failures);
      if (rivals.length > 0) {
        report.check(
          'rival clients told to lease the moment the coordinator died got their ports',
          rivalsReady
            ? []
            : rivals.filter((rival) => rival.ports() === null).map((rival) => rival.output().trim().slice(-200)),
        );
      }
      try {
        await checkRound(
          `round ${index + 1}`,
          arrived.started,
          survivorsBefore.filter((stack) => !victims.includes(stack)),
          rivals,
        );
      } finally {
        await Promise.all(rivals.map((rival) => rival.stop()));
      }
    }

    const down = await runCli(['down', '--all'], { env: home.env, cwd: context.root, timeoutMs: 120_000 });
    report.check('`styxy down --all` stopped every stack', down.code === 0 ? [] : [describeResult(down)]);
    const after = await inspect(home, [], [...dead, ...live.values()], [], [], []);
    report.check('after `down --all`: no stack, no lease, no process of any stack', [
      ...after.reaped,
      ...after.table,
      ...after.strays,
    ]);

    async function checkRound(
      when: string,
      newcomers: ChaosStack[],
      survivors: ChaosStack[] = [],
      rivals: Rival[] = [],
    ): Promise<void> {
      const others = rivals.map((rival) => ({ pid: rival.pid, ports: rival.ports() ?? [], token: null }));
      const found = await inspect(home, [...live.values()], dead, newcomers, survivors, others);
      report.check(`${when}: exactly one coordinator runs and answers`, found.coordinator);
      report.check(
        `${when}: every killed stack is reaped (no stack, no lease, no process with its run tag)`,
        found.reaped,
      );
      report.check(
        `${when}: every live stack keeps its ports (in the coordinator's table and its own view, owned by its supervisor)`,
        found.kept,
      );
      report.check(
        `${when}: every live stack's services answer on their ports, and the listener is theirs`,
        found.serving,
      );
      report.check(`${when}: the coordinator's table is exactly the live stacks' ports, none twice`, found.table);
      report.check(
        `${when}: new stacks${rivals.length > 0 ? ' and rival clients' : ''} got no port a live stack held`,
        found.newcomers,
      );
      report.check(`${when}: nothing runs that belongs to no live stack`, found.strays);
    }
  },
};

/**
 * Watches the coordinator's table and SIGKILLs the coordinator as soon as a stack it does not
 * know yet (not in `known`) holds a port; after `timeoutMs` without one, kills it anyway.
 * Returns the stack whose grant it aimed at.
 */
async function killAfterGrant(home: StressHome, known: ReadonlySet<string>, timeoutMs: number): Promise<string | null> {
  const watcher = await connect(home);
  const deadline = Date.now() + timeoutMs;
  let target: string | null = null;
  try {
    while (Date.now() < deadline && target === null) {
      const leases = await watcher.listLeases();
      target = leases.find((lease) => lease.stackId !== null && !known.has(lease.stackId))?.stackId ?? null;
    }
  } finally {
    const pid = coordinatorPid(home);
    if (pid !== null) kill(pid, 'SIGKILL');
    await watcher.close();
  }
  return target;
}
