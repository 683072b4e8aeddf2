/**
 * The run behind scenarios 1 and 5: 64 churn client processes leasing and releasing in a tight
 * loop against one coordinator, SIGKILLed at random and respawned, while a sampler reads the
 * coordinator's own list back to back; with `attack`, a background stack runs beside them and
 * its control socket and the coordinator's socket take malformed traffic all along. What was
 * seen comes back as data; 1-lease-churn.ts and 5-malformed-traffic.ts check it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFreeOnEveryAddress } from '../../dist/coordinator/bind-probe.js';
import type { LeaseInfo } from '../../dist/protocol/coordinator-protocol.js';
import { Attack, type AttackOutcome } from '../lib/attack.ts';
import { ChurnFleet } from '../lib/churn-fleet.ts';
import type { ClientRun } from '../lib/churn-records.ts';
import { describeResult, runCli } from '../lib/cli.ts';
import { monoMs, pollUntil, sleep } from '../lib/clock.ts';
import { coordinatorPid, logText, startCoordinator, stopCoordinator, withClient } from '../lib/coordinator.ts';
import type { Sample } from '../lib/lease-check.ts';
import { LeaseSampler } from '../lib/lease-sampler.ts';
import { copyExample } from '../lib/projects.ts';
import type { ScenarioContext } from '../lib/scenario.ts';
import { listStacks, type StartedStack, upDetached } from '../lib/stacks.ts';
import { makeStressHome, portsOf, type Range, type StressHome } from '../lib/stress-home.ts';

/** The churn range: far more than 64 clients × 3 ports, so nobody is refused for want of ports. */
export const CHURN_RANGE: Range = [13_000, 13_499];
const STACK_TYPES = { api: [13_500, 13_509] as Range, dev: [13_510, 13_519] as Range };

export interface AttackedStack {
  readonly stack: StartedStack;
  readonly home: StressHome;
  readonly outcome: AttackOutcome;
  /** Whether the supervisor still ran, as the same process, when the attack ended. */
  readonly supervisorAlive: boolean;
  readonly down: string | null;
  readonly supervisorOutput: string;
}

export interface ChurnOutcome {
  readonly clients: number;
  readonly seconds: number;
  /** The shared clock's value when the clients were started (times in messages are relative to it). */
  readonly origin: number;
  readonly runs: ClientRun[];
  readonly samples: Sample[];
  readonly samplerErrors: string[];
  readonly firstCoordinatorPid: number;
  readonly coordinatorPids: number[];
  readonly fleetProblems: string[];
  readonly kills: number;
  readonly incarnations: number;
  readonly leftoverLeases: LeaseInfo[];
  readonly unbindable: number[];
  readonly coordinatorLog: string;
  readonly attack: AttackedStack | null;
}

export async function runChurn(context: ScenarioContext, options: { readonly attack: boolean }): Promise<ChurnOutcome> {
  const { quick, rng, progress } = context;
  const clients = quick ? 24 : 64;
  const seconds = quick ? 15 : 60;
  const home = makeStressHome(context.root, options.attack ? 'churn-attack' : 'churn', 13_000, {
    churn: CHURN_RANGE,
    ...STACK_TYPES,
  });
  context.defer(() => stopCoordinator(home));
  const firstCoordinatorPid = await startCoordinator(home);

  let attacked: { stack: StartedStack; controlSocket: string } | null = null;
  if (options.attack) {
    const dir = copyExample('web-api-worker', join(context.root, 'attacked-project'));
    const started = await upDetached(home, dir);
    if (!started.ok) throw new Error(started.why);
    context.defer(async () => {
      await runCli(['down', '--force'], { env: home.env, cwd: dir, timeoutMs: 60_000 });
    });
    const info = (await listStacks(home)).find((stack) => stack.id === started.stack.id);
    if (!info?.controlSocket) throw new Error(`the attacked stack ${started.stack.id} has no control socket`);
    attacked = { stack: started.stack, controlSocket: info.controlSocket };
    progress(
      `stack ${started.stack.id} up (supervisor pid ${started.stack.pid}), control socket ${info.controlSocket}`,
    );
  }

  const fleet = new ChurnFleet({
    home,
    dir: join(home.home, 'records'),
    clients,
    type: 'churn',
    range: CHURN_RANGE,
    rng: rng.fork(),
  });
  context.defer(() => fleet.killAll());
  const startedAt = Date.now();
  const origin = monoMs();
  if (!(await fleet.start(90_000))) throw new Error(`not all ${clients} clients connected within 90 s`);
  progress(`${clients} clients connected in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  const sampler = new LeaseSampler();
  await sampler.start(home, CHURN_RANGE);
  let attack: Attack | null = null;
  if (attacked) {
    attack = await Attack.start(home, attacked.stack, attacked.controlSocket, rng.fork(), {
      coordinator: 2,
      control: 1,
      concurrency: 4,
    });
    context.defer(() => attack?.kill());
  }

  const end = Date.now() + seconds * 1000;
  let nextProgress = Date.now() + 10_000;
  while (Date.now() < end) {
    await sleep(rng.int(quick ? 100 : 150, quick ? 400 : 600));
    fleet.killOne(rng.int(0, 150));
    if (Date.now() >= nextProgress) {
      nextProgress += 10_000;
      progress(
        `${Math.round((Date.now() - (end - seconds * 1000)) / 1000)} s: ${fleet.kills} clients killed, ` +
          `${sampler.samples.length} samples of the coordinator's list`,
      );
    }
  }

  const attackOutcome = attack ? await attack.stop() : null;
  const fleetProblems = [...(await fleet.stop(30_000))];
  fleetProblems.unshift(...fleet.crashes);
  await sampler.stop();

  // Killed clients' leases go when the coordinator reaps them (within about a second).
  const leftoverLeases =
    (await pollUntil(async () => {
      const leases = await withClient(home, (client) => client.listLeases());
      const churn = leases.filter((lease) => lease.port >= CHURN_RANGE[0] && lease.port <= CHURN_RANGE[1]);
      return churn.length === 0 ? [] : null;
    }, 10_000)) ??
    (await withClient(home, (client) => client.listLeases())).filter((lease) => lease.port <= CHURN_RANGE[1]);
  const unbindable: number[] = [];
  for (const port of portsOf(CHURN_RANGE)) if (!(await isFreeOnEveryAddress(port))) unbindable.push(port);

  let attackedStack: AttackedStack | null = null;
  if (attacked && attackOutcome) {
    const { stack } = attacked;
    const supervisorAlive = (await listStacks(home)).some((info) => info.id === stack.id && info.pid === stack.pid);
    const down = await runCli(['down'], { env: home.env, cwd: stack.dir, timeoutMs: 60_000 });
    attackedStack = {
      stack,
      home,
      outcome: attackOutcome,
      supervisorAlive,
      down: down.code === 0 ? null : describeResult(down),
      supervisorOutput: supervisorOutput(home, stack.id),
    };
  }
  const pids = [...sampler.coordinatorPids];
  const now = coordinatorPid(home);
  if (now !== null) pids.push(now);
  return {
    clients,
    seconds,
    origin,
    runs: fleet.runs(),
    samples: sampler.samples,
    samplerErrors: sampler.errors,
    firstCoordinatorPid,
    coordinatorPids: [...new Set(pids)],
    fleetProblems,
    kills: fleet.kills,
    incarnations: fleet.incarnations,
    leftoverLeases,
    unbindable,
    coordinatorLog: logText(home),
    attack: attackedStack,
  };
}

function supervisorOutput(home: StressHome, stackId: string): string {
  try {
    return readFileSync(join(home.home, 'stacks', stackId, 'supervisor.out'), 'utf8');
  } catch {
    return '';
  }
}
