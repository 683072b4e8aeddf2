/**
 * CLI latency: the built CLI run as users run it (`node dist/cli/bin.js …`, a new process each
 * time, from spawn to exit), beside `node -e 0` on the same Node binary — the floor any Node CLI
 * starts from — measured in the same run, the commands interleaved so that a busy moment of the
 * machine hits them all alike. A coordinator already runs on a private STYXY_HOME (ports from
 * 12400, `dev` 18000–18099), with the web-api-worker example up in the background, so that:
 * - `node` importing commander and node-ipc's parser (as the CLI does), nothing else: the floor the CLI's two dependencies
 *   set for every command that talks to the coordinator (for reference);
 * - `styxy --version`: commander and the CLI's own modules, no work — the start-up cost alone;
 * - `styxy port api`: locate the folder's config, ask the coordinator for the running stacks,
 *   print the API's port (the "give me a port" command of scripts);
 * - `styxy run -- true`: lease a port, run `true` with it in its environment, report it, release;
 * - `styxy ls`: every lease, as a table.
 * Median and p90 of 30 runs each (8 with --quick), after 2 warm-ups. And 64 `styxy run -- true`
 * started at once against 64 `node -e 0` at once (until the last exits; median of 4 rounds, 2
 * with --quick, interleaved).
 */
import { fileURLToPath } from 'node:url';
import { type BenchHome, type Finished, makeBenchHome, timed } from './lib/bench-home.ts';
import { type BenchModule, type BenchOptions, type BenchRow, quantile } from './lib/stats.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/web-api-worker/', import.meta.url));
const FIRST_PORT = 12_400;
/**
 * `dev`, the type `styxy run` leases from, gets 100 ports of its own: 64 runs at once may hold
 * more than 10 (the burst failed with "no free port" once runs overlapped more).
 */
const DEV_RANGE: readonly [number, number] = [18_000, 18_099];
const WARMUPS = 2;
const BURST = 64;

/** Starts `count` runs at once; the ms until the last has finished. */
async function concurrently(count: number, run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, run));
  return performance.now() - start;
}

interface Command {
  readonly name: string;
  readonly args: readonly string[] | null;
  /** Checks a run's stdout: a run that did not do its job must not count. */
  readonly check?: (stdout: string) => boolean;
}

const DEPENDENCIES = fileURLToPath(new URL('./lib/import-deps.mjs', import.meta.url));

const COMMANDS: readonly Command[] = [
  { name: 'node -e 0', args: null },
  { name: 'node importing commander + node-ipc/parsers', args: null },
  { name: 'styxy --version', args: ['--version'], check: (out) => /^\d+\.\d+\.\d+/.test(out) },
  { name: 'styxy port api', args: ['port', 'api'], check: (out) => /^\d+\n$/.test(out) },
  { name: 'styxy run -- true', args: ['run', '--', 'true'] },
  { name: 'styxy ls', args: ['ls'], check: (out) => /web-api-worker/.test(out) },
];

const ms = (value: number) => Math.round(value * 10) / 10;

async function runOnce(command: Command, bench: BenchHome): Promise<Finished> {
  if (command.args !== null) return bench.cli(command.args, EXAMPLE);
  const script = command.name === 'node -e 0' ? ['-e', '0'] : [DEPENDENCIES];
  const result = await timed([process.execPath, ...script], { env: bench.env });
  if (result.code !== 0) throw new Error(`${command.name} exited ${result.code}:\n${result.stderr}`);
  return result;
}

export const cliLatency: BenchModule = {
  title: 'CLI latency: a new `node dist/cli/bin.js …` process each time, spawn to exit, vs. `node -e 0`',
  async run(options: BenchOptions = {}) {
    const runs = options.quick ? 8 : 30;
    const bench = makeBenchHome(FIRST_PORT, { dev: DEV_RANGE });
    const times = new Map<string, number[]>(COMMANDS.map((command) => [command.name, []]));
    const burst = { styxy: [] as number[], node: [] as number[] };
    try {
      await bench.cli(['daemon', 'start']);
      await bench.cli(['up', '-d'], EXAMPLE);
      // 64 at once, as agents' scripts do: `styxy run -- true` against `node -e 0`, interleaved.
      for (let round = 0; round < (options.quick ? 2 : 4); round++) {
        burst.node.push(await concurrently(BURST, () => runOnce(COMMANDS[0]!, bench)));
        burst.styxy.push(await concurrently(BURST, () => bench.cli(['run', '--', 'true'], EXAMPLE)));
      }
      for (let round = 0; round < WARMUPS + runs; round++) {
        for (const command of COMMANDS) {
          const result = await runOnce(command, bench);
          if (command.check && !command.check(result.stdout)) {
            throw new Error(`${command.name} printed something unexpected:\n${result.stdout}${result.stderr}`);
          }
          if (round >= WARMUPS) times.get(command.name)!.push(result.ms);
        }
      }
    } finally {
      await bench.close();
    }
    const floor = times.get('node -e 0')!;
    const floorMedian = quantile(floor, 0.5);
    const floorP90 = quantile(floor, 0.9);
    const rows: BenchRow[] = [];
    const burstStyxy = quantile(burst.styxy, 0.5);
    const burstNode = quantile(burst.node, 0.5);
    rows.push({
      name: `${BURST} concurrent styxy run -- true, until the last exits: median of ${burst.styxy.length}`,
      value: ms(burstStyxy),
      unit: 'ms',
      baseline: { name: `${BURST} concurrent node -e 0`, value: ms(burstNode) },
      goal: { text: '≤ 3×', met: burstStyxy <= 3 * burstNode },
    });
    for (const command of COMMANDS.slice(1)) {
      const samples = times.get(command.name)!;
      const median = quantile(samples, 0.5);
      rows.push({
        name: `${command.name}: median of ${runs}`,
        value: ms(median),
        unit: 'ms',
        baseline: { name: 'node -e 0', value: ms(floorMedian) },
        // Issue 17's goal for the "give me a port" command of scripts.
        goal: command.name === 'styxy port api' ? { text: '≤ 2.5×', met: median <= 2.5 * floorMedian } : null,
      });
      rows.push({
        name: `${command.name}: p90`,
        value: ms(quantile(samples, 0.9)),
        unit: 'ms',
        baseline: { name: 'node -e 0', value: ms(floorP90) },
        goal: null,
      });
    }
    return rows;
  },
};
