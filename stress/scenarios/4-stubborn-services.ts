/**
 * Scenario 4: services that ignore SIGTERM, fork children that ignore it too, `setsid` away
 * (their own session and process group), double-fork (reparented to init), or daemonize and
 * exit. However the stack is stopped — `styxy down`, `down --force`, SIGKILL of its background
 * supervisor, Ctrl-C of a foreground `up`, SIGKILL of a foreground `up` — nothing survives:
 * /proc shows no process with the stack's run tag and none of the pids the services printed,
 * and no lease is left.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, describeResult, runCli } from '../lib/cli.ts';
import { pollUntil } from '../lib/clock.ts';
import { startCoordinator, stopCoordinator, withClient } from '../lib/coordinator.ts';
import { commandOf, kill, processesTagged, running } from '../lib/processes.ts';
import { writeProject } from '../lib/projects.ts';
import type { Scenario } from '../lib/scenario.ts';
import { listStacks, runTokenOf, upDetached } from '../lib/stacks.ts';
import { makeStressHome, type StressHome } from '../lib/stress-home.ts';

const STUBBORN = new URL('../fixtures/stubborn.sh', import.meta.url).pathname;
const DAEMONIZER = new URL('../fixtures/daemonizer.mjs', import.meta.url).pathname;
const DEAF =
  "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('self=' + process.pid); setInterval(() => {}, 1 << 30)";
("process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log(`self=${process.pid}`); setInterval(() => {}, 1 << 30)");

type Way =
  | 'down'
  | 'down --force'
  | 'SIGKILL of the background supervisor'
  | 'Ctrl-C of a foreground up'
  | 'SIGKILL of a foreground up';
const WAYS: readonly Way[] = [
  'down',
  'down --force',
  'SIGKILL of the background supervisor',
  'Ctrl-C of a foreground up',
  'SIGKILL of a foreground up',
];

const config = {
  name: 'stubborn',
  services: {
    deaf: {
      command: [process.execPath, '-e', DEAF],
      ports: { PORT: 'dev' },
      ready: { log: '^self=' },
      stopTimeout: 1500,
    },
    forker: { command: ['sh', STUBBORN], ready: { log: '^ready$' }, stopTimeout: 1500 },
    daemonizer: { command: [process.execPath, DAEMONIZER], ready: { log: '^ready$' } },
  },
};

interface Running {
  readonly id: string;
  readonly token: string;
  readonly supervisor: number;
  /** Every pid the services printed (kind → pid), and every process carrying the run tag. */
  readonly printed: Map<string, number>;
  readonly tagged: number[];
}

export const stubbornServices: Scenario = {
  id: 4,
  title: 'services that ignore SIGTERM, double-fork or setsid away: nothing survives a stop',
  async run(context, report) {
    const home = makeStressHome(context.root, 'stubborn', 16_000, {});
    context.defer(() => stopCoordinator(home));
    await startCoordinator(home);
    for (const [index, way] of WAYS.entries()) {
      const dir = writeProject(join(context.root, `stubborn-${index}`), config);
      const foreground = way.includes('foreground');
      const up = foreground ? startForeground(home, dir) : null;
      if (up) context.defer(() => void kill(up.pid, 'SIGKILL'));
      const started = foreground ? await up!.ready : await upDetached(home, dir);
      if (!started.ok) {
        report.check(`${way}: the stack started`, [started.why]);
        continue;
      }
      context.defer(async () => {
        await runCli(['down', '--force'], { env: home.env, cwd: dir, timeoutMs: 60_000 });
      });
      const stack = await inspect(home, dir);
      const kindOf = (key: string) => key.split(':')[1] ?? key;
      const outside = [...stack.printed.keys()].filter((key) => /setsid|doublefork|daemon/.test(kindOf(key)));
      report.note(
        `${way}: ${stack.tagged.length} processes carry the run tag, ${outside.length} of them outside their service's process group (${outside.join(', ')})`,
      );
      // Every printed process runs and carries the tag, but the daemonizer itself (it exits).
      const expected = [...stack.printed].filter(([key]) => key !== 'daemonizer:self');
      const missing = expected.filter(([, pid]) => !running(pid) || !stack.tagged.includes(pid));
      if (expected.length < 8 || missing.length > 0) {
        report.check(`${way}: the services left their processes running, tagged`, [
          `printed: ${JSON.stringify(Object.fromEntries(stack.printed))}; tagged: ${stack.tagged.join(', ')}`,
        ]);
        continue;
      }

      const began = Date.now();
      let stopped = '';
      switch (way) {
        case 'down':
        case 'down --force': {
          const result = await runCli(way.split(' '), { env: home.env, cwd: dir, timeoutMs: 60_000 });
          stopped = result.code === 0 ? '' : describeResult(result);
          break;
        }
        case 'SIGKILL of the background supervisor':
          kill(stack.supervisor, 'SIGKILL');
          break;
        case 'Ctrl-C of a foreground up':
          kill(up!.pid, 'SIGINT');
          if ((await pollUntil(() => up!.exit() !== null, 30_000)) === null) stopped = 'up did not exit within 30 s';
          else if (up!.exit() !== 130) stopped = `up exited ${up!.exit()}, not 130`;
          break;
        case 'SIGKILL of a foreground up':
          kill(up!.pid, 'SIGKILL');
          break;
      }
      // `down` and Ctrl-C return once everything is gone; the coordinator reaps within seconds.
      const survivors = () => [
        ...new Set([...processesTagged(stack.token), ...[...stack.printed.values()].filter(running)]),
      ];
      await pollUntil(async () => survivors().length === 0 && (await leasesOf(home, stack.id)).length === 0, 15_000);
      const seconds = ((Date.now() - began) / 1000).toFixed(1);
      const left = survivors();
      const leases = await leasesOf(home, stack.id);
      report.check(`${way}: nothing survives (${seconds} s)`, [
        ...(stopped ? [stopped] : []),
        ...left.map((pid) => `pid ${pid} (${commandOf(pid).slice(0, 60)}) still runs`),
        ...leases.map((port) => `port ${port} is still leased`),
      ]);
      for (const pid of left) kill(pid, 'SIGKILL');
    }
  },
};

async function leasesOf(home: StressHome, stackId: string): Promise<number[]> {
  const leases = await withClient(home, (client) => client.listLeases());
  return leases.filter((lease) => lease.stackId === stackId).map((lease) => lease.port);
}

/** The running stack of `dir`: its run token, supervisor, and the pids its services printed. */
async function inspect(home: StressHome, dir: string): Promise<Running> {
  const info = (await listStacks(home)).find((stack) => stack.root === dir);
  if (!info) throw new Error(`no stack of ${dir} is registered`);
  const printed = new Map<string, number>();
  for (const service of ['deaf', 'forker', 'daemonizer']) {
    let text = '';
    try {
      text = readFileSync(join(home.home, 'stacks', info.id, `${service}.log`), 'utf8');
    } catch {}
    for (const match of text.matchAll(/ stdout ([a-z-]+)=(\d+)$/gm))
      printed.set(`${service}:${match[1]}`, Number(match[2]));
  }
  const token = runTokenOf(info.services.map((service) => service.pid));
  return { id: info.id, token, supervisor: info.pid, printed, tagged: processesTagged(token) };
}

/** `styxy up --no-tui` in the foreground, resolved once every service is up. */
function startForeground(home: StressHome, dir: string) {
  const child = spawn(process.execPath, [CLI, 'up', '--no-tui'], {
    cwd: dir,
    env: home.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let code: number | null = null;
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  child.once('exit', (exit, signal) => {
    code = exit ?? (signal ? -1 : null);
  });
  return {
    pid: child.pid!,
    exit: () => code,
    ready: pollUntil(() => /every service is up/.test(stderr) || code !== null, 60_000).then(() =>
      /every service is up/.test(stderr)
        ? ({ ok: true } as const)
        : ({ ok: false, why: `styxy up exited ${code}: ${stderr.trim().split('\n').slice(-4).join(' | ')}` } as const),
    ),
  };
}
