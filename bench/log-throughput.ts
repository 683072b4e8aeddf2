/**
 * Log throughput: a service writing lines as fast as its output takes them (bench/lib/flood.mjs,
 * one write per line, honouring backpressure) for 10 s (3 s with --quick), run
 *   (a) alone, its stdout on /dev/null: the baseline;
 *   (b) under `styxy up` with the live UI, in a real terminal (tmux, 120×40);
 *   (c) under `styxy up --no-tui`, its output on /dev/null;
 *   and three floors: the flood's stdout piped into `cat > /dev/null` (the floor the goals are
 *   measured against when it is below them), and read and dropped by a Node parent with no work
 *   per line, once over Node's own child stdio (a Unix socketpair) and once over a real pipe (the
 *   transport `styxy up` uses, src/os/output-pipes.ts). A reader that is idle when a line comes
 *   wakes for every few lines, and each wake-up costs the writer: no reader of a child's output
 *   gets near (a).
 * Reported: the service's lines per second as a share of (a), and of the `cat` floor, and
 * `styxy up`'s CPU (over the flood, in % of one core, from /proc/<pid>/stat) and peak RSS
 * (VmHWM, from /proc/<pid>/status).
 * Linux only (/proc); (b) needs tmux.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutputPipes } from '../dist/os/output-pipes.js';
import { Tmux } from '../test/helpers/tmux.ts';
import { removeOnAbort } from './lib/abort.ts';
// alive(): a zombie is gone. The UI's `up` is a child of the tmux server, which does not always
// reap it at once: kill(pid, 0) alone said "still running" for 15 s after a clean exit in 1 of
// ~25 runs under load (the log-throughput failures of issue 17: up had stopped in < 1 s).
import { alive, peakRssMb, processesWithEnv, until } from './lib/processes.ts';
import type { BenchModule, BenchOptions, BenchRow } from './lib/stats.ts';

// STYXY_BENCH_CLI: another build's bin.js, for an A/B of two builds.
const CLI = process.env.STYXY_BENCH_CLI ?? new URL('../dist/cli/bin.js', import.meta.url).pathname;
const FLOOD = new URL('./lib/flood.mjs', import.meta.url).pathname;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const TERMINAL = { columns: 120, rows: 40 };

interface Flood {
  readonly lines: number;
  readonly seconds: number;
}

interface Cost {
  /** CPU time over the flood, in % of one core. */
  readonly cpuPercent: number;
  /** Peak resident memory, MB. */
  readonly peakRssMb: number;
}

const perSecond = (flood: Flood) => flood.lines / flood.seconds;
function readFlood(file: string): Flood | null {
  try {
    const text = readFileSync(file, 'utf8');
    return text.startsWith('{') ? (JSON.parse(text) as Flood) : null;
  } catch {
    return null;
  }
}

const started = (file: string) => existsSync(file);

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // fields 14 and 15 of stat(5)
}

/** Runs the flood once, its stdout on /dev/null or piped into cat; returns what it wrote. */
async function floodAlone(dir: string, seconds: number, into: 'null' | 'cat'): Promise<Flood> {
  const out = join(dir, `alone-${into}.json`);
  const command = `"$0" "$1" --seconds "$2" --out "$3" ${into === 'cat' ? '| cat' : ''} > /dev/null`;
  const child = spawn('sh', ['-c', command, process.execPath, FLOOD, String(seconds), out], {
    stdio: 'ignore',
    detached: true,
  });
  try {
    return await until(() => readFlood(out), seconds * 1000 + 30_000, 'the flood alone');
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
  }
}

/**
 * Runs the flood as a child whose stdout this process reads and throws away, with no work per
 * line: over Node's own child stdio (a Unix socketpair), or over a real pipe, as under `styxy up`.
 */
async function floodIntoNodeReader(dir: string, seconds: number, transport: 'socketpair' | 'pipe'): Promise<Flood> {
  const out = join(dir, `node-reader-${transport}.json`);
  const pipes = transport === 'pipe' ? await createOutputPipes(1) : null;
  if (transport === 'pipe' && !pipes) throw new Error('log-throughput: mkfifo could not make a pipe');
  const child = spawn(process.execPath, [FLOOD, '--seconds', String(seconds), '--out', out], {
    stdio: ['ignore', pipes ? pipes[0]!.writeFd : 'pipe', 'ignore'],
  });
  if (pipes) closeSync(pipes[0]!.writeFd);
  const source = pipes ? new Socket({ fd: pipes[0]!.readFd, readable: true, writable: false }) : child.stdout!;
  source.on('data', () => {});
  try {
    return await until(() => readFlood(out), seconds * 1000 + 30_000, `the flood into a Node reader (${transport})`);
  } finally {
    child.kill('SIGKILL');
    source.destroy(); // closes the pipe's read end
  }
}

/** Runs the flood as the one service of a stack under `styxy up` (UI in tmux, or --no-tui). */
export async function floodUnderUp(
  dir: string,
  seconds: number,
  mode: 'tui' | 'plain',
): Promise<{ flood: Flood; cost: Cost; stopMs: number }> {
  const home = join(dir, `home-${mode}`);
  const project = join(dir, `project-${mode}`);
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(project);
  const out = join(dir, `up-${mode}.json`);
  const config = {
    name: 'bench',
    services: { flood: { command: [process.execPath, FLOOD, '--seconds', String(seconds), '--out', out] } },
  };
  writeFileSync(join(project, '.styxyrc.json'), JSON.stringify(config));
  // SIGUSR2 makes `up` write a diagnostic report (its JS stack, its libuv handles): what a
  // stuck one is waiting for (see `evidence`).
  const reports = join(dir, `reports-${mode}`);
  const nodeOptions = `--report-on-signal --report-signal=SIGUSR2 --report-directory=${reports}`;
  const env = { ...process.env, STYXY_HOME: home, NODE_OPTIONS: nodeOptions };
  const errFile = join(dir, `up-${mode}.stderr`);
  let tmux: Tmux | null = null;
  let pid: number;
  let exited: string | null = null;
  if (mode === 'tui') {
    tmux = new Tmux();
    tmux.start([process.execPath, CLI, 'up'], {
      ...TERMINAL,
      cwd: project,
      env: { STYXY_HOME: home, NODE_OPTIONS: nodeOptions },
    });
    pid = Number(tmux.display('#{pane_pid}'));
  } else {
    const devNull = openSync('/dev/null', 'w');
    const stderr = openSync(errFile, 'w');
    const child = spawn(process.execPath, [CLI, 'up', '--no-tui'], {
      cwd: project,
      env,
      stdio: ['ignore', devNull, stderr],
    });
    closeSync(devNull);
    closeSync(stderr);
    pid = child.pid!;
    child.once('exit', (code, signal) => {
      exited = `exited ${signal ?? code}`;
    });
  }
  /** What `up` shows (the screen, or the end of its stderr) and where its processes are: for a failure. */
  const evidence = () => {
    const report = alive(pid) ? diagnosticReport(pid, reports) : '';
    const shown = tmux
      ? `the screen (pane ${tmux.display('#{?pane_dead,dead (#{pane_dead_status}),alive}')}):\n${tmux.capture()}`
      : `its stderr, last lines:\n${tail(errFile, 20)}`;
    return `styxy up (pid ${pid}, ${exited ?? (alive(pid) ? 'running' : 'gone')}); ${shown}\nprocesses of its home:\n${processTree(home)}${report}`;
  };
  /** Fails at once, with the evidence, when `up` has ended before `check` holds. */
  const whileUp = async <T>(check: () => T | null | undefined | false, timeoutMs: number, what: string) => {
    try {
      return await until(
        () => {
          const value = check();
          if (value) return value;
          if (!alive(pid)) throw new Error(`log-throughput: styxy up ended while waiting for ${what}`);
          return null;
        },
        timeoutMs,
        what,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${evidence()}`);
    }
  };
  try {
    await whileUp(() => started(out), 30_000, `the flood to start under styxy up (${mode})`);
    const cpuBefore = cpuSeconds(pid);
    const before = performance.now();
    const flood = await whileUp(() => readFlood(out), seconds * 1000 + 30_000, `the flood under styxy up (${mode})`);
    const cost = {
      cpuPercent: ((cpuSeconds(pid) - cpuBefore) / ((performance.now() - before) / 1000)) * 100,
      peakRssMb: peakRssMb(pid),
    };
    const stopAt = performance.now();
    if (tmux) tmux.send('q');
    else process.kill(pid, 'SIGINT');
    try {
      await until(() => !alive(pid), 15_000, `styxy up to stop (${mode}, ${tmux ? 'q' : 'SIGINT'} sent)`);
    } catch (error) {
      throw new Error(`${(error as Error).message}; ${evidence()}`);
    }
    return { flood, cost, stopMs: performance.now() - stopAt };
  } finally {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    tmux?.kill();
    const stopped = spawnSync(process.execPath, [CLI, 'daemon', 'stop'], { env, encoding: 'utf8', timeout: 30_000 });
    // A failure here must not hide the one that got us here; it is told on its own.
    if (stopped.status !== 0) {
      process.stderr.write(
        `log-throughput: styxy daemon stop (${mode}) exited ${stopped.status ?? stopped.signal}: ${stopped.stderr}${stopped.stdout}\n`,
      );
    }
  }
}

/** Asks `pid` for a Node diagnostic report (SIGUSR2, see NODE_OPTIONS above); its JS stack and handles, or ''. */
function diagnosticReport(pid: number, dir: string): string {
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return '';
  }
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const file = existsSync(dir) ? readdirSync(dir).find((name) => name.includes(`.${pid}.`)) : undefined;
    if (file) {
      try {
        const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
          javascriptStack?: { message?: string; stack?: string[] };
          libuv?: { type: string; is_active: boolean; is_referenced?: boolean; details?: string }[];
        };
        const handles = (report.libuv ?? [])
          .filter((handle) => handle.is_active && handle.is_referenced !== false)
          .map((handle) => `  ${handle.type} ${handle.details ?? ''}`);
        const stack = (report.javascriptStack?.stack ?? []).map((line) => `  ${line}`);
        return `\nits active, referenced libuv handles:\n${handles.join('\n')}\nits JS stack:\n${stack.join('\n')}`;
      } catch {
        // Still being written.
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return '\n(no diagnostic report within 5 s)';
}

/** The last `count` lines of a file ('' when there is none). */
function tail(file: string, count: number): string {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .slice(-count - 1)
      .join('\n');
  } catch {
    return '';
  }
}

/** `ps` lines of the processes whose environment names `home` (the coordinator, `up`, the service). */
function processTree(home: string): string {
  const pids = processesWithEnv(`STYXY_HOME=${home}`);
  if (pids.length === 0) return '(none)';
  const ps = spawnSync('ps', ['-o', 'pid,ppid,pgid,stat,wchan:16,etime,time,args', '-p', pids.join(',')], {
    encoding: 'utf8',
  });
  return ps.stdout;
}

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;

export const logThroughput: BenchModule = {
  title: 'Log throughput: a service writing lines as fast as it can, alone vs. under styxy up',
  async run(options: BenchOptions = {}) {
    const seconds = options.quick ? 3 : 10;
    const dir = mkdtempSync(join(tmpdir(), 'styxy-bench-logs-'));
    const forget = removeOnAbort(dir);
    try {
      const alone = await floodAlone(dir, seconds, 'null');
      const cat = await floodAlone(dir, seconds, 'cat');
      const socketpair = await floodIntoNodeReader(dir, seconds, 'socketpair');
      const pipe = await floodIntoNodeReader(dir, seconds, 'pipe');
      const ui = await floodUnderUp(dir, seconds, 'tui');
      const plain = await floodUnderUp(dir, seconds, 'plain');
      const baseline = { name: 'alone → /dev/null', value: round(perSecond(alone)) };
      const floor = { name: 'piped into cat', value: round(perSecond(cat)) };
      const share = (flood: Flood) => perSecond(flood) / perSecond(alone);
      const ofFloor = (flood: Flood) => perSecond(flood) / perSecond(cat);
      // The goals: ≥ 0.8× of alone under the UI, unless the floor (cat) is lower on this
      // machine; then ≥ 0.8× of cat under the UI and ≥ 0.95× of cat with --no-tui.
      const floorIsLower = share(cat) < 0.8;
      const rows: BenchRow[] = [
        {
          name: `service lines/s over ${seconds} s, piped into cat (the floor)`,
          value: round(perSecond(cat)),
          unit: 'lines/s',
          baseline,
          goal: null,
        },
        {
          name: "service lines/s, read and dropped by a Node parent over Node's stdio (socketpair)",
          value: round(perSecond(socketpair)),
          unit: 'lines/s',
          baseline,
          goal: null,
        },
        {
          name: 'service lines/s, read and dropped by a Node parent over a pipe',
          value: round(perSecond(pipe)),
          unit: 'lines/s',
          baseline,
          goal: null,
        },
        {
          name: `service lines/s under styxy up, UI in tmux ${TERMINAL.columns}×${TERMINAL.rows}`,
          value: round(perSecond(ui.flood)),
          unit: 'lines/s',
          baseline,
          goal: floorIsLower ? null : { text: '≥ 0.80×', met: share(ui.flood) >= 0.8 },
        },
        {
          name: 'service lines/s under styxy up --no-tui > /dev/null',
          value: round(perSecond(plain.flood)),
          unit: 'lines/s',
          baseline,
          goal: null,
        },
        {
          name: 'service lines/s under styxy up, UI, against the floor',
          value: round(perSecond(ui.flood)),
          unit: 'lines/s',
          baseline: floor,
          goal: floorIsLower ? { text: '≥ 0.80×', met: ofFloor(ui.flood) >= 0.8 } : null,
        },
        {
          name: 'service lines/s under styxy up --no-tui, against the floor',
          value: round(perSecond(plain.flood)),
          unit: 'lines/s',
          baseline: floor,
          goal: floorIsLower ? { text: '≥ 0.95×', met: ofFloor(plain.flood) >= 0.95 } : null,
        },
        {
          name: 'styxy up CPU during the flood (UI)',
          value: round(ui.cost.cpuPercent),
          unit: '% of a core',
          baseline: null,
          goal: null,
        },
        {
          name: 'styxy up CPU during the flood (--no-tui)',
          value: round(plain.cost.cpuPercent),
          unit: '% of a core',
          baseline: null,
          goal: null,
        },
        {
          name: 'styxy up from q to exit (UI)',
          value: round(ui.stopMs),
          unit: 'ms',
          baseline: null,
          goal: null,
        },
        {
          name: 'styxy up from SIGINT to exit (--no-tui)',
          value: round(plain.stopMs),
          unit: 'ms',
          baseline: null,
          goal: null,
        },
        {
          name: 'styxy up peak RSS (UI)',
          value: round(ui.cost.peakRssMb, 1),
          unit: 'MB',
          baseline: null,
          goal: { text: '< 200 MB', met: ui.cost.peakRssMb < 200 },
        },
        {
          name: 'styxy up peak RSS (--no-tui)',
          value: round(plain.cost.peakRssMb, 1),
          unit: 'MB',
          baseline: null,
          goal: null,
        },
      ];
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      forget();
    }
  },
};
