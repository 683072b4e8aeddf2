/**
 * Shared services: `styxy up -d` of a stack whose shared Redis is already up (started by another
 * stack of the same repository), against the `up -d` of the first stack, which starts it. Both
 * stacks are the same config (a shared redis-server and a Node API that depends on it), run as
 * two `--name` copies of one folder (scope `repo`: one key). The second must not wait for a start:
 * it joins the running instance. Each sample: `up -d --name first` (timed), `up -d --name second`
 * (timed), then both down until no redis-server is left. Median of 5 samples (3 with --quick),
 * after one warm-up. Needs redis-server (Debian's package).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBenchHome } from './lib/bench-home.ts';
import { until } from './lib/processes.ts';
import { type BenchModule, type BenchOptions, type BenchRow, quantile } from './lib/stats.ts';

/** Styxy's types from 12800 (17 × 10 ports), after stack-start.ts's block. */
const FIRST_PORT = 12_800;

function redisServer(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('shared-start needs redis-server (the Debian package redis-server)');
  }
}

const round = (value: number) => Math.round(value);

export const sharedStart: BenchModule = {
  title: 'Shared services: up -d of a second stack while its shared Redis is up, vs. the first (which starts it)',
  async run(options: BenchOptions = {}) {
    const samples = options.quick ? 3 : 5;
    const redis = redisServer();
    const bench = makeBenchHome(FIRST_PORT);
    const project = join(bench.home, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'api.mjs'),
      "import { createServer } from 'node:http';\ncreateServer((_q, s) => s.end(process.env.CACHE_PORT)).listen(Number(process.env.PORT), '127.0.0.1');\n",
    );
    writeFileSync(
      join(project, '.styxyrc.json'),
      JSON.stringify({
        name: 'bench-shared',
        services: {
          cache: {
            command: `exec ${redis} --port $PORT --bind 127.0.0.1 --save '' --appendonly no`,
            ports: { PORT: 'infrastructure' },
            shared: true,
          },
          api: {
            command: `exec ${process.execPath} api.mjs`,
            ports: { PORT: 'api' },
            env: { CACHE_PORT: '${cache.PORT}' },
            dependsOn: ['cache'],
          },
        },
      }),
    );
    const first: number[] = [];
    const second: number[] = [];
    try {
      await bench.cli(['daemon', 'start']);
      for (let i = 0; i <= samples; i++) {
        const a = await bench.cli(['up', '-d', '--name', 'first'], project, 120_000);
        const b = await bench.cli(['up', '-d', '--name', 'second'], project, 120_000);
        await bench.cli(['down', '--name', 'second'], project);
        await bench.cli(['down', '--name', 'first'], project);
        // The instance stops once its last user is down: wait for it, so the next sample starts it.
        await until(
          async () =>
            (JSON.parse((await bench.cli(['ps', '--all', '--json'])).stdout) as { stacks: [] }).stacks.length === 0,
          30_000,
          'the shared instance to stop',
          200,
        );
        if (i === 0) continue; // the warm-up
        first.push(a.ms);
        second.push(b.ms);
      }
    } finally {
      await bench.close();
    }
    const median = (values: number[]) => round(quantile(values, 0.5));
    const rows: BenchRow[] = [
      {
        name: `up -d of a second stack, the shared Redis already up: median of ${samples}`,
        value: median(second),
        unit: 'ms',
        baseline: { name: 'the first stack (starts it)', value: median(first) },
        goal: { text: 'faster than the first', met: median(second) < median(first) },
      },
      {
        name: 'up -d of the second stack: slowest',
        value: round(Math.max(...second)),
        unit: 'ms',
        baseline: { name: 'the first stack', value: round(Math.max(...first)) },
        goal: null,
      },
    ];
    return rows;
  },
};
