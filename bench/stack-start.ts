/**
 * Stack start and memory: the web-api-worker example (an API with an HTTP readiness check, a
 * worker, a web server that waits for the API to be ready, then is checked by TCP: Node only),
 *   (a) `styxy up -d` in its folder, with the coordinator already running on a private
 *       STYXY_HOME: timed from the spawn of the CLI until it returns — it returns once every
 *       service is ready, leaving the stack running under a background supervisor;
 *   (b) the baseline: the same three commands under `concurrently` on fixed ports, all at once,
 *       and a script polling every 25 ms until the same two checks pass (lib/concurrently-stack.ts).
 *   (c) a cold `styxy up -d`: the same, right after `styxy daemon stop`, so that it starts the
 *       coordinator too (which loads the state the earlier samples left), against (a).
 * Each sample is followed by its stop — `styxy down` / SIGTERM to concurrently's group — until no
 * process of it is left; that is timed too. Median of 7 samples each (3 with --quick), after one
 * warm-up each, the three interleaved.
 * Memory (VmHWM: peak resident set, /proc/<pid>/status) once the last sample is ready, plus one
 * second: the background supervisor (vs. concurrently at the same point) and the coordinator
 * (restarted by every cold sample: after two stacks), both against an idle `node -e "setInterval(()=>{},1000)"`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeBenchHome } from './lib/bench-home.ts';
import { startWithConcurrently } from './lib/concurrently-stack.ts';
import { alive, peakRssMb, sleep, until } from './lib/processes.ts';
import { type BenchModule, type BenchOptions, type BenchRow, quantile } from './lib/stats.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/web-api-worker/', import.meta.url));
/** Styxy's types from 12600 (17 × 10 ports); the baseline's fixed ports above them. */
const FIRST_PORT = 12_600;
const FIXED = { api: 12_790, web: 12_791 };
const SETTLE_MS = 1000;

interface PsJson {
  readonly stack: { readonly pid: number };
  readonly services: readonly { readonly name: string; readonly status: string }[];
}

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Peak RSS of an idle Node process (a timer, nothing else), in MB. */
async function idleNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(SETTLE_MS);
    return peakRssMb(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

export const stackStart: BenchModule = {
  title: 'Stack start (web-api-worker: 3 services, 2 readiness checks) and memory, vs. concurrently + a wait script',
  async run(options: BenchOptions = {}) {
    const samples = options.quick ? 3 : 7;
    const bench = makeBenchHome(FIRST_PORT);
    const styxyUp: number[] = [];
    const coldUp: number[] = [];
    const styxyDown: number[] = [];
    const baseUp: number[] = [];
    const baseDown: number[] = [];
    const memory = { supervisor: 0, concurrently: 0, coordinator: 0, idle: 0 };
    try {
      await bench.cli(['daemon', 'start']);
      /** `up -d`, checked, and its stack's supervisor pid. */
      const upDetached = async () => {
        const up = await bench.cli(['up', '-d', '--json'], EXAMPLE);
        const document = JSON.parse(up.stdout) as PsJson;
        const notUp = document.services.filter((service) => !['ready', 'running'].includes(service.status));
        if (notUp.length > 0) throw new Error(`up -d returned with services not up: ${JSON.stringify(notUp)}`);
        return { up, document };
      };
      for (let i = 0; i <= samples; i++) {
        const last = i === samples;
        const { up, document } = await upDetached();
        if (last) {
          await sleep(SETTLE_MS);
          memory.supervisor = peakRssMb(document.stack.pid);
        }
        const down = await bench.cli(['down'], EXAMPLE);
        await until(() => !alive(document.stack.pid), 10_000, 'the background supervisor to exit');

        const base = await startWithConcurrently(EXAMPLE, FIXED);
        let baseStop: number;
        try {
          if (last) {
            await sleep(SETTLE_MS);
            memory.concurrently = peakRssMb(base.pid);
          }
        } finally {
          baseStop = await base.stop();
        }
        if (last) {
          // Before it stops: it served the cold sample before and this warm one.
          const status = await bench.cli(['daemon', 'status', '--json']);
          memory.coordinator = peakRssMb((JSON.parse(status.stdout) as { pid: number }).pid);
        }
        // Cold: no coordinator runs (the next warm sample uses the one this starts).
        await bench.cli(['daemon', 'stop']);
        const cold = await upDetached();
        await bench.cli(['down'], EXAMPLE);
        await until(() => !alive(cold.document.stack.pid), 10_000, 'the background supervisor to exit');
        if (i === 0) continue; // the warm-up: caches (jiti's, the OS's) filled for all
        coldUp.push(cold.up.ms);
        styxyUp.push(up.ms);
        styxyDown.push(down.ms);
        baseUp.push(base.readyMs);
        baseDown.push(baseStop);
      }
      memory.idle = await idleNodeRssMb();
    } finally {
      await bench.close();
    }
    const median = (values: number[]) => round(quantile(values, 0.5));
    const idle = { name: 'idle node', value: round(memory.idle, 1) };
    const rows: BenchRow[] = [
      {
        name: `styxy up -d until it returns, every service up: median of ${samples}`,
        value: median(styxyUp),
        unit: 'ms',
        baseline: { name: 'concurrently + wait script', value: median(baseUp) },
        // Issue 17's goal: near a bare launcher.
        goal: { text: '≤ 1.2×', met: median(styxyUp) <= 1.2 * median(baseUp) },
      },
      {
        name: `styxy up -d, cold (starts the coordinator): median of ${samples}`,
        value: median(coldUp),
        unit: 'ms',
        baseline: { name: 'warm styxy up -d', value: median(styxyUp) },
        goal: null,
      },
      {
        name: 'styxy up -d: slowest',
        value: round(Math.max(...styxyUp)),
        unit: 'ms',
        baseline: { name: 'concurrently + wait script', value: round(Math.max(...baseUp)) },
        goal: null,
      },
      {
        name: 'styxy down until nothing is left: median',
        value: median(styxyDown),
        unit: 'ms',
        baseline: { name: 'SIGTERM to concurrently', value: median(baseDown) },
        goal: null,
      },
      {
        name: 'background supervisor peak RSS, stack up',
        value: round(memory.supervisor, 1),
        unit: 'MB',
        baseline: idle,
        goal: null,
      },
      {
        name: 'concurrently peak RSS, same stack (for comparison)',
        value: round(memory.concurrently, 1),
        unit: 'MB',
        baseline: idle,
        goal: null,
      },
      {
        name: 'coordinator peak RSS, after 2 stacks (a cold and a warm up -d)',
        value: round(memory.coordinator, 1),
        unit: 'MB',
        baseline: idle,
        goal: null,
      },
    ];
    return rows;
  },
};
