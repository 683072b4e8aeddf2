// One watcher on a tree, in a process of its own, for bench/watch.ts:
//   node watch-child.mjs KIND ROOT IDLE_MS
// KIND: `walk` (no watcher: one recursive readdir of the tree, the floor of knowing it),
// `fs-watch` (Node's fs.watch, recursive), `chokidar` (node_modules and .git pruned, as Styxy
// would watch), `chokidar-all` (the whole tree). Prints one JSON line: start-up (until a change
// deep in the tree is reported), its CPU, idle CPU over IDLE_MS, RSS, and the latency of one
// change once idle.
import { readdirSync, readFileSync, utimesSync, watch } from 'node:fs';
import { join } from 'node:path';

const [kind, root, idleArg] = process.argv.slice(2);
const idleMs = Number(idleArg);
const probeFile = join(root, 'src', 'zz', 'probe.ts');
const lateFile = join(root, 'src', 'aa', 'late.ts');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMs = (usage) => (usage.user + usage.system) / 1000;

let onEvent = () => {};
const seen = (path) => onEvent(path);

async function startWatcher() {
  if (kind === 'walk') {
    readdirSync(root, { recursive: true });
    return { close() {} };
  }
  if (kind === 'fs-watch') {
    const watcher = watch(root, { recursive: true }, (_event, name) => seen(name ? join(root, name) : ''));
    return watcher;
  }
  const { watch: chokidar } = await import('chokidar');
  const prune = kind === 'chokidar';
  const watcher = chokidar(root, {
    ignoreInitial: true,
    ignored: prune ? (path) => /(^|\/)(node_modules|\.git)(\/|$)/.test(path.slice(root.length)) : undefined,
  });
  await new Promise((resolve) => watcher.once('ready', resolve));
  watcher.on('all', (_event, path) => seen(path));
  return watcher;
}

/** Touches `file` every 20 ms until the watcher reports it; ms from `from`. */
async function untilSeen(file, from) {
  let hit = false;
  onEvent = (path) => {
    if (path === file) hit = true;
  };
  for (let i = 0; !hit; i++) {
    const now = new Date();
    utimesSync(file, now, now);
    for (let j = 0; j < 20 && !hit; j++) await sleep(1);
    if (i > 3000) throw new Error(`${kind}: no event for ${file} within a minute`);
  }
  return performance.now() - from;
}

/** inotify watches this process holds (Linux: one `inotify wd:` line per watch in /proc/self/fdinfo). */
function countInotifyWatches() {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fdinfo')) {
    try {
      count += (readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? []).length;
    } catch {}
  }
  return count;
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const watcher = await startWatcher();
const startupMs = kind === 'walk' ? performance.now() - t0 : await untilSeen(probeFile, t0);
const startupCpuMs = cpuMs(process.cpuUsage(cpu0));
onEvent = () => {};
await sleep(500); // let the probe's last events settle
const idle0 = process.cpuUsage();
const i0 = performance.now();
await sleep(idleMs);
const idleCpuPercent = (cpuMs(process.cpuUsage(idle0)) / (performance.now() - i0)) * 100;
const rssMb = process.memoryUsage().rss / 1e6;
const inotifyWatches = countInotifyWatches();
const latencyMs = kind === 'walk' ? 0 : await untilSeen(lateFile, performance.now());
await watcher.close();
process.stdout.write(
  `${JSON.stringify({ kind, startupMs, startupCpuMs, idleCpuPercent, rssMb, inotifyWatches, latencyMs })}\n`,
);
process.exit(0);
