/**
 * File watchers on a 50,000-file tree (issue 16: choose the watcher by measurement): 10,000
 * files under src/ (100 folders) and 40,000 under node_modules/ (400 folders), in a temp folder.
 * Each watcher runs alone in a child process (bench/lib/watch-child.mjs), three times (once with
 * --quick), medians:
 *   - chokidar as Styxy uses it: node_modules and .git pruned (never entered);
 *   - Node's `fs.watch(root, { recursive: true })`, which cannot prune: it watches everything;
 *   - chokidar on the whole tree, for reference;
 *   - the baseline: one recursive readdir of the tree (the floor of knowing what is there), and
 *     the idle CPU of that same process doing nothing.
 * Start-up is until a change deep in the tree (src/zz/) is reported; idle CPU is over 5 s (2 s
 * with --quick) after that; inotify watches are counted in /proc/<pid>/fdinfo (Linux only: they
 * count against the user's fs.inotify.max_user_watches, shared by every program of the user).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeOnAbort } from './lib/abort.ts';
import type { BenchModule, BenchOptions, BenchRow } from './lib/stats.ts';

const CHILD = new URL('./lib/watch-child.mjs', import.meta.url).pathname;
const run = promisify(execFile);

interface Result {
  readonly kind: string;
  readonly startupMs: number;
  readonly startupCpuMs: number;
  readonly idleCpuPercent: number;
  readonly rssMb: number;
  readonly inotifyWatches: number;
  readonly latencyMs: number;
}

function makeTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'styxy-bench-watch-'));
  const folders: string[] = [];
  for (let d = 0; d < 100; d++) folders.push(join('src', d === 0 ? 'aa' : d === 99 ? 'zz' : `d${d}`));
  for (let d = 0; d < 400; d++) folders.push(join('node_modules', `pkg${d % 40}`, `lib${d}`));
  for (const folder of folders) {
    mkdirSync(join(root, folder), { recursive: true });
    const ext = folder.startsWith('src') ? 'ts' : 'js';
    for (let f = 0; f < 100; f++) writeFileSync(join(root, folder, `f${f}.${ext}`), 'export {};\n');
  }
  // Touched by the child (they are files 50,001 and 50,002).
  writeFileSync(join(root, 'src', 'zz', 'probe.ts'), '');
  writeFileSync(join(root, 'src', 'aa', 'late.ts'), '');
  return root;
}

async function measure(kind: string, root: string, idleMs: number): Promise<Result> {
  const { stdout } = await run(process.execPath, [CHILD, kind, root, String(idleMs)], { timeout: 180_000 });
  return JSON.parse(stdout) as Result;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const watchers: BenchModule = {
  title: 'File watchers on a 50,000-file tree (10,000 watched, 40,000 in node_modules)',
  async run(options: BenchOptions = {}): Promise<BenchRow[]> {
    const rounds = options.quick ? 1 : 3;
    const idleMs = options.quick ? 2000 : 5000;
    const root = makeTree();
    const forget = removeOnAbort(root);
    try {
      const kinds = ['walk', 'chokidar', 'fs-watch', 'chokidar-all'] as const;
      const results: Record<string, Result[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
      for (let round = 0; round < rounds; round++) {
        // Interleaved, so that load changing over the run hits every kind alike.
        for (const kind of kinds) results[kind]!.push(await measure(kind, root, idleMs));
      }
      const of = (kind: string, field: keyof Omit<Result, 'kind'>) => median(results[kind]!.map((r) => r[field]));
      const walk = {
        start: of('walk', 'startupMs'),
        cpu: of('walk', 'startupCpuMs'),
        idle: of('walk', 'idleCpuPercent'),
      };
      const rows: BenchRow[] = [];
      const label = { chokidar: 'chokidar, pruned', 'fs-watch': 'fs.watch recursive', 'chokidar-all': 'chokidar, all' };
      for (const kind of ['chokidar', 'fs-watch', 'chokidar-all'] as const) {
        const name = label[kind];
        const start = of(kind, 'startupMs');
        const idle = of(kind, 'idleCpuPercent');
        const primary = kind === 'chokidar';
        rows.push(
          {
            name: `${name}: start-up (until a change is seen)`,
            value: Math.round(start),
            unit: 'ms',
            baseline: { name: 'readdir', value: Math.round(walk.start) },
            goal: primary ? { text: '≤ 2000 ms', met: start <= 2000 } : null,
          },
          {
            name: `${name}: start-up CPU`,
            value: Math.round(of(kind, 'startupCpuMs')),
            unit: 'ms',
            baseline: { name: 'readdir', value: Math.round(walk.cpu) },
            goal: null,
          },
          {
            name: `${name}: idle CPU`,
            value: Math.round(idle * 1000) / 1000,
            unit: '% of a core',
            baseline: { name: 'idle node', value: Math.round(walk.idle * 1000) / 1000 },
            goal: primary ? { text: '≤ 0.5 %', met: idle <= 0.5 } : null,
          },
          {
            name: `${name}: inotify watches`,
            value: of(kind, 'inotifyWatches'),
            unit: '',
            baseline: { name: 'files', value: 50_002 },
            goal: null,
          },
          {
            name: `${name}: RSS`,
            value: Math.round(of(kind, 'rssMb')),
            unit: 'MB',
            baseline: { name: 'readdir', value: Math.round(of('walk', 'rssMb')) },
            goal: null,
          },
          {
            name: `${name}: a change, once idle, seen after`,
            value: Math.round(of(kind, 'latencyMs') * 10) / 10,
            unit: 'ms',
            baseline: null,
            goal: primary ? { text: '≤ 100 ms', met: of(kind, 'latencyMs') <= 100 } : null,
          },
        );
      }
      return rows;
    } finally {
      forget();
      rmSync(root, { recursive: true, force: true });
    }
  },
};
