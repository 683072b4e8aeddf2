/**
 * Scale: one machine with 100 background stacks (10 with --quick) holding 500 leases (5 each),
 * on a private STYXY_HOME whose `scale` type has ports 17000–17699, against a second, empty home
 * (its own coordinator, `scale` 17700–17899) on the same machine at the same time. Each stack is
 * one `sleep` holding five ports (`ready: false`: it listens on none), started with `styxy up
 * -d`, four at a time. Measured once every stack is up, the two homes taking turns (ROUNDS
 * rounds, each home first in every other one, the latencies of a home pooled): the ratio then
 * compares the coordinators' work at one load average, not two moments minutes apart (the first
 * version measured the empty machine first, at load 13.4, and the loaded one at 9.9).
 * - lease + release of a 3-port batch, p50 and p99, at 1 and at 64 clients (closed loop, as
 *   leases.ts): the goal is within 1.5× of the empty home;
 * - `styxy ls` and `styxy ps --all` (median of 7 runs each, 3 with --quick): goal < 2× empty;
 * - the coordinator's RSS (goal < 150 MB) and the background supervisors' (median VmRSS) beside
 *   an idle `node` measured in the same run;
 * - `styxy down --all`, and how long starting every stack took.
 * The 100 idle supervisors are on the machine for both homes' turns; idle, they use no CPU (0 ms
 * in 10 s, all of them, measured with /proc/<pid>/stat), so what differs is what each
 * coordinator holds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { closedLoop, leaseClients } from './leases.ts';
import { type BenchHome, makeBenchHome } from './lib/bench-home.ts';
import { sleep } from './lib/processes.ts';
import { type BenchModule, type BenchOptions, type BenchRow, quantile } from './lib/stats.ts';

const RANGE: readonly [number, number] = [17_000, 17_699];
/** The empty home's: 64 clients' batches of 3. (Its default types overlap it; nothing leases those.) */
const EMPTY_RANGE: readonly [number, number] = [17_700, 17_899];
const PORTS_PER_STACK = 5;
const STARTING_AT_ONCE = 4;

interface Latency {
  readonly p50: number;
  readonly p99: number;
}

interface Machine {
  readonly lease1: Latency;
  readonly lease64: Latency;
  readonly lsMs: number;
  readonly psAllMs: number;
}

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const median = (values: number[]) => quantile(values, 0.5);

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** CPU time (user + system) of `pid` so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Waits (at most 20 s) until `pid` used under 20 ms of CPU in a second: the coordinator is done
 * with what starting 100 stacks left it (their registrations' snapshots, collecting the garbage),
 * so the rounds measure it holding them, not settling (a run measured 1 s after the last start:
 * 1-client p50 1.57×; the same 100 stacks by hand, a minute later: 0.92–1.12×).
 */
async function settled(pid: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let before = cpuMs(pid);
  while (Date.now() < deadline) {
    await sleep(1000);
    const now = cpuMs(pid);
    if (now - before < 20) return;
    before = now;
  }
}

/** Resident memory of an idle Node process (a timer, nothing else), in MB. */
async function idleNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(1000);
    return rssMb(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

async function leaseLatencies(home: string, clients: number): Promise<readonly number[]> {
  const lease = await leaseClients(home, clients, 'scale');
  try {
    return (await closedLoop(lease.rounds)).latencies;
  } finally {
    await lease.close();
  }
}

/** A bench home with the `scale` type added and its coordinator started. */
async function scaleHome(range: readonly [number, number]): Promise<BenchHome> {
  // The default types get 10 ports each from 17800 (lib/bench-home.ts).
  const bench = makeBenchHome(17_800);
  const configFile = join(bench.home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { types: Record<string, unknown> };
  config.types.scale = { range };
  writeFileSync(configFile, JSON.stringify(config));
  await bench.cli(['daemon', 'start']);
  return bench;
}

/**
 * Both homes measured in turns: `rounds` rounds, each of lease latency at 1 and 64 clients and
 * `cliRuns` runs of `ls` and `ps --all`, the home that goes first alternating.
 */
async function measureInTurns(
  homes: readonly [BenchHome, BenchHome],
  rounds: number,
  cliRuns: number,
): Promise<{ machines: [Machine, Machine]; loads: number[] }> {
  const pooled = homes.map(() => ({
    lease1: [] as number[],
    lease64: [] as number[],
    ls: [] as number[],
    ps: [] as number[],
  }));
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    loads.push(loadavg()[0]!);
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const clients of [1, 64] as const) {
      for (const i of order) {
        const key = clients === 1 ? 'lease1' : 'lease64';
        pooled[i]![key].push(...(await leaseLatencies(homes[i]!.home, clients)));
      }
    }
    for (let run = 0; run < Math.ceil(cliRuns / rounds); run++) {
      for (const i of order) {
        pooled[i]!.ls.push((await homes[i]!.cli(['ls'])).ms);
        pooled[i]!.ps.push((await homes[i]!.cli(['ps', '--all'])).ms);
      }
    }
  }
  const latency = (values: number[]): Latency => ({ p50: quantile(values, 0.5), p99: quantile(values, 0.99) });
  const machines = pooled.map((p) => ({
    lease1: latency(p.lease1),
    lease64: latency(p.lease64),
    lsMs: median(p.ls),
    psAllMs: median(p.ps),
  })) as [Machine, Machine];
  return { machines, loads };
}

/** A project folder whose stack is one `sleep` holding five `scale` ports. */
function writeProject(root: string, index: number): string {
  const dir = join(root, `stack-${index}`);
  mkdirSync(dir);
  const ports = Object.fromEntries(Array.from({ length: PORTS_PER_STACK }, (_, i) => [`PORT_${i}`, 'scale']));
  const config = { name: `scale-${index}`, services: { hold: { command: ['sleep', '100000'], ports, ready: false } } };
  writeFileSync(join(dir, '.styxyrc.json'), JSON.stringify(config));
  return dir;
}

export const scale: BenchModule = {
  title: 'Scale: background stacks holding 5 leases each (100 stacks, 10 with --quick), vs. an empty home, in turns',
  async run(options: BenchOptions = {}) {
    const stacks = options.quick ? 10 : 100;
    const rounds = options.quick ? 2 : 4;
    const cliRuns = options.quick ? 4 : 8;
    const bench = await scaleHome(RANGE);
    const emptyHome = await scaleHome(EMPTY_RANGE);
    try {
      const status = async () =>
        JSON.parse((await bench.cli(['daemon', 'status', '--json'])).stdout) as { pid: number };
      const coordinator = (await status()).pid;
      const idle = await idleNodeRssMb();

      const projects = Array.from({ length: stacks }, (_, index) => writeProject(bench.home, index));
      const supervisors: number[] = [];
      const startedAt = performance.now();
      for (let first = 0; first < projects.length; first += STARTING_AT_ONCE) {
        const batch = projects.slice(first, first + STARTING_AT_ONCE);
        const ups = await Promise.all(batch.map((dir) => bench.cli(['up', '-d', '--json'], dir, 120_000)));
        for (const up of ups) supervisors.push((JSON.parse(up.stdout) as { stack: { pid: number } }).stack.pid);
      }
      const startMs = performance.now() - startedAt;
      const leases = (JSON.parse((await bench.cli(['ls', '--json'])).stdout) as { leases: unknown[] }).leases.length;
      if (leases !== stacks * PORTS_PER_STACK) {
        throw new Error(`${stacks} stacks up, but ls --json lists ${leases} leases, not ${stacks * PORTS_PER_STACK}`);
      }
      await settled(coordinator);
      const supervisorRss = median(supervisors.map(rssMb));
      const {
        machines: [empty, loaded],
        loads,
      } = await measureInTurns([emptyHome, bench], rounds, cliRuns);
      const coordinatorRss = rssMb(coordinator);
      const downMs = (await bench.cli(['down', '--all'], bench.home, 300_000)).ms;

      const held = `${stacks} stacks, ${leases} leases`;
      const turns = `${rounds} rounds in turns, load ${round(Math.min(...loads), 1)}–${round(Math.max(...loads), 1)}`;
      const emptyName = (what: string) => `empty home ${what}`;
      const within = (value: number, base: number, factor: number) => ({
        text: `≤ ${factor}× empty`,
        met: value <= base * factor,
      });
      const latencyRows = (clients: number, key: 'lease1' | 'lease64'): BenchRow[] =>
        (['p50', 'p99'] as const).map((q) => ({
          name: `lease + release, ${clients} client${clients === 1 ? '' : 's'}, ${q}, ${held} (${turns})`,
          value: round(loaded[key][q], 3),
          unit: 'ms',
          baseline: { name: emptyName(q), value: round(empty[key][q], 3) },
          goal: within(loaded[key][q], empty[key][q], 1.5),
        }));
      return [
        ...latencyRows(1, 'lease1'),
        ...latencyRows(64, 'lease64'),
        {
          name: `styxy ls, ${held}`,
          value: round(loaded.lsMs, 1),
          unit: 'ms',
          baseline: { name: emptyName('ls'), value: round(empty.lsMs, 1) },
          goal: { text: '< 2× empty', met: loaded.lsMs < 2 * empty.lsMs },
        },
        {
          name: `styxy ps --all, ${held}`,
          value: round(loaded.psAllMs, 1),
          unit: 'ms',
          baseline: { name: emptyName('ps --all'), value: round(empty.psAllMs, 1) },
          goal: { text: '< 2× empty', met: loaded.psAllMs < 2 * empty.psAllMs },
        },
        {
          name: `coordinator RSS, ${held}`,
          value: round(coordinatorRss, 1),
          unit: 'MB',
          baseline: { name: 'idle node', value: round(idle, 1) },
          goal: { text: '< 150 MB', met: coordinatorRss < 150 },
        },
        {
          name: `background supervisor RSS (median of ${stacks})`,
          value: round(supervisorRss, 1),
          unit: 'MB',
          baseline: { name: 'idle node', value: round(idle, 1) },
          goal: { text: '≤ 1.5× idle node', met: supervisorRss <= 1.5 * idle },
        },
        {
          name: `up -d of ${stacks} stacks, ${STARTING_AT_ONCE} at a time`,
          value: round(startMs),
          unit: 'ms',
          baseline: null,
          goal: null,
        },
        { name: `styxy down --all, ${held}`, value: round(downMs), unit: 'ms', baseline: null, goal: null },
      ];
    } finally {
      await Promise.all([bench.close(), emptyHome.close()]);
    }
  },
};
