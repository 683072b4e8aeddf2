/**
 * Bundled against unbundled, in one run (docs/performance.md, "Bundled code"): the same sources
 * built both ways — dist/ (esbuild's bundles, scripts/build.mjs) and tsc's module tree alone in a
 * temporary copy of the package — and each command interleaved across the variants, so a busy
 * moment of the machine hits them all alike:
 * - `node -e 0` (the floor), `styxy --help`, `styxy port api`, `styxy run -- true`: median of N;
 * - 64 concurrent `styxy run -- true` against 64 concurrent `node -e 0`: median of rounds;
 * - `styxy up -d` of examples/web-api-worker until it returns (every service ready), then
 *   `styxy down`: median of rounds.
 * Variants of the bundle: V8's compile cache on (NODE_COMPILE_CACHE, Node's switch for what
 * module.enableCompileCache does) and `--enable-source-maps`.
 *
 * Usage: npm run build && node --experimental-strip-types bench/bundle-ab.ts [--quick]
 * Ports 18400–18569 (its own block), `dev` 18100–18199 (64 runs at once lease more than 10); everything it starts is stopped, its folders removed.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Finished, makeBenchHome, timed } from './lib/bench-home.ts';
import { quantile } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/web-api-worker');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 8 : 30;
const ROUNDS = quick ? 2 : 4;
const BURST = 64;

/** tsc's module tree alone, in a package folder of its own (node_modules linked). */
function buildModules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'styxy-ab-'));
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const modulesDir = buildModules();
const bench = makeBenchHome(18_400, { dev: [18_100, 18_199] });
const cacheDir = join(bench.home, 'ab-compile-cache');
mkdirSync(cacheDir, { mode: 0o700 });

interface Variant {
  readonly name: string;
  readonly bin: string;
  readonly env: NodeJS.ProcessEnv;
}
const VARIANTS: readonly Variant[] = [
  { name: 'modules (tsc)', bin: join(modulesDir, 'dist/cli/bin.js'), env: bench.env },
  { name: 'bundled', bin: join(ROOT, 'dist/cli/bin.js'), env: bench.env },
  {
    name: 'bundled + compile cache',
    bin: join(ROOT, 'dist/cli/bin.js'),
    env: { ...bench.env, NODE_COMPILE_CACHE: cacheDir },
  },
  {
    name: 'bundled + --enable-source-maps',
    bin: join(ROOT, 'dist/cli/bin.js'),
    env: { ...bench.env, NODE_OPTIONS: '--enable-source-maps' },
  },
];

/**
 * CPU time of this process's ended children so far, in ms (Linux: /proc/self/stat's cutime and
 * cstime). Runs of one command are sequential, so the difference around a run is that run's
 * CPU: what the other work on a shared machine disturbs least.
 */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

async function run(variant: Variant | null, args: readonly string[]): Promise<Finished> {
  const argv = variant ? [process.execPath, variant.bin, ...args] : [process.execPath, '-e', '0'];
  const result = await timed(argv, { cwd: EXAMPLE, env: variant?.env ?? bench.env });
  if (result.code !== 0)
    throw new Error(`${variant?.name ?? 'node'} ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result;
}

const median = (values: number[]) => Math.round(quantile(values, 0.5) * 10) / 10;
/** What, variant, median wall ms, its ratio to the floor, mean CPU ms a run (NaN: not measured). */
const rows: [string, string, number, number, number][] = [];
function report(what: string, variant: string, values: number[], floor: number[] | null, cpuMs = Number.NaN) {
  const value = median(values);
  rows.push([what, variant, value, floor ? Math.round((value / median(floor)) * 100) / 100 : Number.NaN, cpuMs]);
}

try {
  await run(VARIANTS[1]!, ['daemon', 'start']);
  // Up and down once each way first: warms the compile cache and the config loaders' caches.
  for (const variant of VARIANTS) {
    await run(variant, ['up', '-d']);
    await run(variant, ['down']);
  }
  const up = new Map(VARIANTS.map((variant) => [variant.name, [] as number[]]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of VARIANTS) {
      up.get(variant.name)!.push((await run(variant, ['up', '-d'])).ms);
      await run(variant, ['down']);
    }
  }
  await run(VARIANTS[1]!, ['up', '-d']);

  const commands: [string, readonly string[]][] = [
    ['styxy --help', ['--help']],
    ['styxy port api', ['port', 'api']],
    ['styxy run -- true', ['run', '--', 'true']],
  ];
  const floor: number[] = [];
  const times = new Map<string, number[]>();
  const cpu = new Map<string, number>();
  const addCpu = (key: string, ms: number) => cpu.set(key, (cpu.get(key) ?? 0) + ms);
  for (let i = 0; i < 2 + RUNS; i++) {
    let before = childrenCpuMs();
    const node = await run(null, []);
    if (i >= 2) {
      floor.push(node.ms);
      addCpu('node -e 0', childrenCpuMs() - before);
    }
    for (const [what, args] of commands) {
      for (const variant of VARIANTS) {
        before = childrenCpuMs();
        const result = await run(variant, args);
        if (what === 'styxy port api' && !/^\d+\n$/.test(result.stdout))
          throw new Error(`port printed ${result.stdout}`);
        if (i < 2) continue;
        const key = `${what}\0${variant.name}`;
        times.set(key, [...(times.get(key) ?? []), result.ms]);
        addCpu(key, childrenCpuMs() - before);
      }
    }
  }
  const cpuPerRun = (key: string) => Math.round((cpu.get(key) ?? Number.NaN) / RUNS);
  const burstFloor: number[] = [];
  const burst = new Map(VARIANTS.map((variant) => [variant.name, [] as number[]]));
  const all = async (count: number, one: () => Promise<unknown>) => {
    const start = performance.now();
    await Promise.all(Array.from({ length: count }, one));
    return performance.now() - start;
  };
  for (let round = 0; round < ROUNDS; round++) {
    burstFloor.push(await all(BURST, () => run(null, [])));
    for (const variant of VARIANTS)
      burst.get(variant.name)!.push(await all(BURST, () => run(variant, ['run', '--', 'true'])));
  }

  rows.push(['node -e 0', '', median(floor), 1, cpuPerRun('node -e 0')]);
  for (const [what] of commands) {
    for (const variant of VARIANTS) {
      const key = `${what}\0${variant.name}`;
      report(what, variant.name, times.get(key)!, floor, cpuPerRun(key));
    }
  }
  rows.push([`${BURST} concurrent node -e 0`, '', median(burstFloor), 1, Number.NaN]);
  for (const variant of VARIANTS)
    report(`${BURST} concurrent styxy run -- true`, variant.name, burst.get(variant.name)!, burstFloor);
  for (const variant of VARIANTS)
    report('styxy up -d (3 services) to ready', variant.name, up.get(variant.name)!, null);

  const width = [0, 1].map((column) => Math.max(...rows.map((row) => String(row[column]).length)));
  console.log(
    `bundle A/B: wall median of ${RUNS} runs (bursts and up -d: ${ROUNDS} rounds), its ratio to node -e 0, mean CPU a run`,
  );
  for (const [what, variant, value, ratio, cpuMs] of rows) {
    const shown = Number.isNaN(ratio) ? '' : `${ratio.toFixed(2)}×`;
    const cpuShown = Number.isNaN(cpuMs) ? '' : `CPU ${cpuMs} ms`;
    console.log(
      `${what.padEnd(width[0]!)}  ${variant.padEnd(width[1]!)}  ${`${value} ms`.padStart(11)}  ${shown.padStart(6)}  ${cpuShown}`,
    );
  }
} finally {
  await bench.close();
  rmSync(modulesDir, { recursive: true, force: true });
}
