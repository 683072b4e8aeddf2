/**
 * Watches each service's `watch` files (chokidar; chosen by measurement, docs/performance.md,
 * "File watchers") and tells the machine once a burst of changes has been quiet for its
 * `debounce`. chokidar is loaded with `import()` only when some service watches something.
 */
import type { ResolvedWatch } from '../config/types.js';
import { describeChange, type WatchPlan, watchPlan } from './watch-plan.js';

export interface WatchTarget {
  readonly service: string;
  readonly cwd: string;
  readonly watch: ResolvedWatch;
}

export interface WatchCallbacks {
  /** Files of the service changed (already debounced): what to say about it. */
  readonly changed: (service: string, change: string) => void;
  /** One of Styxy's lines about the service (`watching …`, a watcher error). */
  readonly log: (service: string, text: string) => void;
}

/** Starts watching; the returned function stops every watcher. */
export async function watchServices(
  targets: readonly WatchTarget[],
  callbacks: WatchCallbacks,
): Promise<() => Promise<void>> {
  if (targets.length === 0) return async () => {};
  const { watch } = await import('chokidar');
  const closers: (() => Promise<void>)[] = [];
  for (const target of targets) {
    const plan = watchPlan(target.watch, target.cwd);
    const watcher = watch([...plan.roots], {
      ignoreInitial: true,
      ignored: (path: string) => plan.prunes(path),
    });
    const burst = debounced(plan, target.watch.debounceMs, (files) =>
      callbacks.changed(target.service, describeChange(files)),
    );
    watcher.on('all', (event, path) => {
      if (event === 'add' || event === 'change' || event === 'unlink') burst.add(path);
    });
    watcher.on('error', (error) =>
      callbacks.log(target.service, `watching files failed: ${(error as Error)?.message ?? error}`),
    );
    watcher.once('ready', () => callbacks.log(target.service, `watching ${target.watch.paths.join(', ')} for changes`));
    closers.push(async () => {
      burst.cancel();
      await watcher.close();
    });
  }
  return async () => {
    await Promise.all(closers.map((close) => close()));
  };
}

/** Collects matching paths; `fire` gets them (in the order seen) once none came for `quietMs`. */
function debounced(plan: WatchPlan, quietMs: number, fire: (files: string[]) => void) {
  const files = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  return {
    add(path: string) {
      if (!plan.matches(path)) return;
      files.add(plan.display(path));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        const batch = [...files];
        files.clear();
        fire(batch);
      }, quietMs);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
