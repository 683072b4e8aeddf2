/**
 * Scenario 3: a range nearly full — 14 of its 20 ports leased (a background stack and a client),
 * 2 held by other programs (one on every address, one on 127.0.0.1 only) — and 40 clients ask
 * for a port at the same instant: exactly the 4 free ports are handed out, once each, and the 36
 * others get STYXY_RANGE_EXHAUSTED naming the type, the range and the holders (also as the CLI
 * prints it). Then batches of 1–3 ports at once: each is leased whole or not at all, never a
 * port twice, and a batch is refused only when fewer ports than it asks for were left.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { isFreeOnEveryAddress } from '../../dist/coordinator/bind-probe.js';
import { BatchClients, type BatchOutcome } from '../lib/batch-clients.ts';
import { describeResult, runCli } from '../lib/cli.ts';
import { startCoordinator, stopCoordinator, withClient } from '../lib/coordinator.ts';
import { writeProject } from '../lib/projects.ts';
import type { Scenario } from '../lib/scenario.ts';
import { upDetached } from '../lib/stacks.ts';
import { makeStressHome, portsOf, type Range, type StressHome } from '../lib/stress-home.ts';

const RANGE: Range = [15_000, 15_019];
/** Held by "other programs": one listening on every address, one on 127.0.0.1 only. */
const FOREIGN = [
  { port: 15_003, host: '::' },
  { port: 15_009, host: '127.0.0.1' },
] as const;
const RANGE_TEXT = `type tight's range ${RANGE[0]}–${RANGE[1]}`;

export const rangeExhaustion: Scenario = {
  id: 3,
  title: 'a range nearly full, many clients asking at once',
  async run(context, report) {
    const home = makeStressHome(context.root, 'exhaust', 15_000, { tight: RANGE });
    context.defer(() => stopCoordinator(home));
    await startCoordinator(home);
    const foreign = await Promise.all(FOREIGN.map(({ port, host }) => listen(port, host)));
    context.defer(() => {
      for (const server of foreign) server.close();
    });

    // The range fills: a background stack with 4 ports, a client with 10.
    const dir = writeProject(join(context.root, 'tight-holder'), {
      name: 'tight-holder',
      services: {
        hold: { command: 'sleep 300', ports: { A: 'tight', B: 'tight', C: 'tight', D: 'tight' }, ready: false },
      },
    });
    const stack = await upDetached(home, dir);
    if (!stack.ok) throw new Error(stack.why);
    context.defer(async () => {
      await runCli(['down', '--force'], { env: home.env, cwd: dir, timeoutMs: 60_000 });
    });
    const holder = new BatchClients(home, 'tight', [[10]]);
    context.defer(() => holder.stop());
    await holder.ready(30_000);
    const [held] = await holder.go(30_000);
    if (!held?.ports) throw new Error(`the holder got no ports: ${JSON.stringify(held)}`);
    const busy = FOREIGN.map(({ port }) => port);
    const free = await freePorts(home, busy);
    report.note(
      `range ${RANGE[0]}–${RANGE[1]}: ${portsOf(RANGE).length - free.length - busy.length} leased, ` +
        `${busy.length} held by other programs, free: ${free.join(', ')}`,
    );
    report.expect(
      free.length === 4,
      'the range is nearly full: 4 ports free',
      `${free.length} free: ${free.join(', ')}`,
    );

    // Round 1: 40 clients (10 processes × 4) ask for one port at the same instant.
    const singles = new BatchClients(
      home,
      'tight',
      Array.from({ length: 10 }, () => [1, 1, 1, 1]),
    );
    context.defer(() => singles.stop());
    await singles.ready(60_000);
    const outcomes = await singles.go(60_000);
    const granted = outcomes.flatMap((outcome) => outcome.ports ?? []);
    report.note(
      `${outcomes.length} clients asked at once: ${granted.length} got a port, ${outcomes.length - granted.length} were refused`,
    );
    report.expect(
      sameSet(granted, free) && granted.length === free.length,
      'exactly the free ports were handed out, each once',
      `handed out ${[...granted].sort().join(', ')}; free were ${free.join(', ')}`,
    );
    const refusals = outcomes.filter((outcome) => outcome.error);
    report.check(
      'every other client got STYXY_RANGE_EXHAUSTED naming the type, the range, the leases and the other programs',
      [
        ...refusals.flatMap((outcome) => exhaustionProblems(outcome)),
        ...(refusals.length === outcomes.length - free.length
          ? []
          : [`${refusals.length} refusals for ${outcomes.length - free.length} clients left without a port`]),
      ],
    );
    const cli = await runCli(['run', '-p', 'PORT:tight', '--', 'true'], { env: home.env, cwd: context.root });
    report.expect(
      cli.code === 1 &&
        new RegExp(
          `^styxy: no free port for "true" \\(PORT\\) in ${RANGE_TEXT}: 18 leased \\(.*stack tight-holder/default ×4.*\\), 2 in use by other programs \\(15003, 15009\\)\n`,
        ).test(cli.stderr) &&
        /\nhint: run `styxy ls` to see the leases, or widen the range of "tight"/.test(cli.stderr),
      '`styxy run -p PORT:tight` says the same on the terminal (message and hint, exit 1)',
      `${describeResult(cli)}\n      ${cli.stderr.trim().replace(/\n/g, '\n      ')}`,
    );
    await singles.stop();

    // Round 2: batches of 1–3 ports at once, on the same 4 free ports.
    const sizes = Array.from({ length: 8 }, () => Array.from({ length: 3 }, () => context.rng.int(1, 3)));
    const batches = new BatchClients(home, 'tight', sizes);
    context.defer(() => batches.stop());
    await batches.ready(60_000);
    const again = await freePorts(home, busy);
    const results = await batches.go(60_000);
    const left = await freePorts(home, busy);
    const got = results.filter((outcome) => outcome.ports);
    const handed = got.flatMap((outcome) => outcome.ports!);
    report.note(
      `${results.length} batches (${results.map((outcome) => outcome.size).join(' ')} ports) on ${again.length} free ports: ` +
        `${got.length} leased (${handed.length} ports), ${results.length - got.length} refused, ${left.length} port(s) left`,
    );
    report.check('each batch was leased whole or not at all, only free ports, none twice', [
      ...got
        .filter((outcome) => outcome.ports!.length !== outcome.size)
        .map((outcome) => `a batch of ${outcome.size} got ${outcome.ports!.length} ports`),
      ...(new Set(handed).size === handed.length ? [] : [`a port was handed out twice: ${handed.sort().join(', ')}`]),
      ...handed.filter((port) => !again.includes(port)).map((port) => `port ${port} was not free`),
    ]);
    report.check(
      'a batch was refused (STYXY_RANGE_EXHAUSTED) only when fewer ports than it asked for were left',
      results
        .filter((outcome) => outcome.error)
        .flatMap((outcome) => [
          ...exhaustionProblems(outcome),
          ...(outcome.size <= left.length
            ? [`a batch of ${outcome.size} was refused, yet ${left.length} ports are still free`]
            : []),
        ]),
    );
    await batches.stop();
    await holder.stop();
    const down = await runCli(['down'], { env: home.env, cwd: dir, timeoutMs: 60_000 });
    const after = await withClient(home, (client) => client.listLeases());
    report.check('afterwards every lease is given back', [
      ...(down.code === 0 ? [] : [`styxy down: ${describeResult(down)}`]),
      ...after.map((lease) => `port ${lease.port} still leased to pid ${lease.pid}`),
    ]);
  },
};

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: false }, () => resolve(server));
  });
}

/** Ports of the range with no lease that can be bound on every address. */
async function freePorts(home: StressHome, busy: readonly number[]): Promise<number[]> {
  const leased = new Set((await withClient(home, (client) => client.listLeases())).map((lease) => lease.port));
  const free: number[] = [];
  for (const port of portsOf(RANGE)) {
    if (leased.has(port) || busy.includes(port)) continue;
    if (await isFreeOnEveryAddress(port)) free.push(port);
  }
  return free;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((port) => set.has(port));
}

/** What is wrong with a refusal, if anything. */
function exhaustionProblems(outcome: BatchOutcome): string[] {
  const error = outcome.error;
  if (!error) return [];
  const problems: string[] = [];
  const where = `client of pid ${outcome.pid} (batch of ${outcome.size})`;
  if (error.code !== 'STYXY_RANGE_EXHAUSTED') return [`${where}: ${error.code}: ${error.message}`];
  if (!error.message.includes(RANGE_TEXT))
    problems.push(`${where}: the message does not name the type and range: ${error.message}`);
  if (!/\d+ leased \(.*stack tight-holder\/default ×4/.test(error.message))
    problems.push(`${where}: the message does not name the holders: ${error.message}`);
  if (!error.message.includes('2 in use by other programs (15003, 15009)'))
    problems.push(`${where}: the message does not name the other programs' ports: ${error.message}`);
  if (!error.hint?.includes('styxy ls')) problems.push(`${where}: no hint to run \`styxy ls\`: ${error.hint}`);
  const details = error.details as { type?: string; range?: number[]; busy?: number[]; leased?: unknown[] } | undefined;
  if (
    details?.type !== 'tight' ||
    details.range?.join('-') !== RANGE.join('-') ||
    details.busy?.join(',') !== '15003,15009' ||
    (details.leased?.length ?? 0) < 14
  ) {
    problems.push(`${where}: its details do not say type, range, holders: ${JSON.stringify(details).slice(0, 200)}`);
  }
  return problems;
}
