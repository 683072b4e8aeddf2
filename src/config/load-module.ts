/**
 * JavaScript and TypeScript configs, loaded through jiti: enums, `satisfies` and imports of other
 * `.ts` files work, and nothing is written beside the user's files (jiti's cache lives under
 * `$STYXY_HOME/cache`, or is off). `.js`/`.mjs`/`.cjs` go through jiti too, so that
 * `import { defineConfig } from 'styxy'` resolves in every form, even where Styxy is not
 * installed in the project (a global install, this repo's examples/): `styxy` is aliased to this
 * package's own entry.
 *
 * The module runs in a worker thread with a deadline (`STYXY_CONFIG_TIMEOUT` seconds, default
 * 10): a config that loops forever at import cannot be interrupted on the thread that runs it,
 * but a worker can be terminated, and with it whatever the config started at its top level
 * (timers, servers), which is unsupported anyway. The deadline is the config's: it starts once
 * the worker has booted and taken the task, so that a busy machine, which slows the boot of the
 * worker and of jiti (ours), does not make a config look as if it looped; the boot has a bound
 * of its own (BOOT_TIMEOUT_MS). The default export comes back by structured
 * clone; functions in it come back as stand-ins, so validation still says "found a function".
 * A worker takes ~80 ms to boot on a small machine; commands start it before loading their own
 * modules (prewarm.ts), which hides most of that (docs/security.md, "Measurements").
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { packageFile, RUNNING_SOURCES } from '../protocol/package-root.js';
import { ConfigExportError } from './load-error.js';

export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

/** This package's entry: src/index.ts when running from source (tests), dist/index.js when built. */
const OWN_ENTRY = packageFile(RUNNING_SOURCES ? 'src/index.ts' : 'dist/index.js');

/** Seconds a config may take to load, unless `STYXY_CONFIG_TIMEOUT` says otherwise. */
export const DEFAULT_CONFIG_TIMEOUT_S = 10;
/** How long the worker may take to boot and load jiti before it takes the task (~0.1 s when idle). */
const BOOT_TIMEOUT_MS = 60_000;

export interface ModuleLoadOptions {
  /** jiti's transform cache folder, or false for none. */
  readonly cacheDir: string | false;
  /** @default STYXY_CONFIG_TIMEOUT seconds, else DEFAULT_CONFIG_TIMEOUT_S */
  readonly timeoutMs?: number;
}

export type ModuleExport =
  | { readonly kind: 'default'; readonly value: unknown }
  /** An ES module without a default export: its named exports. */
  | { readonly kind: 'named-only'; readonly names: string[] };

/** A config that did not finish loading in time. */
export class ConfigTimeoutError extends ConfigExportError {}

/** The deadline from `STYXY_CONFIG_TIMEOUT` (seconds; the default when unset or not a positive number). */
export function configTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.STYXY_CONFIG_TIMEOUT);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_CONFIG_TIMEOUT_S) * 1000;
}

const FUNCTION = '__styxyFunction';

/**
 * The worker: plain CommonJS (it runs from src/ in tests and from dist/ when built, so it is
 * evaluated from this string rather than a file of either). It loads jiti as it boots, waits for
 * its one task (a file to import fresh), and posts the default export with functions replaced by
 * markers (they do not clone).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createJiti } = require(workerData.jiti);
const MARK = ${JSON.stringify(FUNCTION)};
function cloneable(value, seen) {
  if (typeof value === 'function') return { [MARK]: value.name || '' };
  if (typeof value === 'symbol') return String(value);
  if (value === null || typeof value !== 'object' || value instanceof RegExp || value instanceof Date) return value;
  if (seen.has(value)) return seen.get(value);
  const out = Array.isArray(value) ? [] : {};
  seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = cloneable(value[key], seen);
  return out;
}
parentPort.once('message', (task) => (async () => {
  parentPort.postMessage({ started: true });
  const jiti = createJiti(workerData.base, {
    fsCache: task.cacheDir,
    moduleCache: false,
    interopDefault: true,
    alias: { styxy: workerData.ownEntry },
  });
  const module = await jiti.import(task.file);
  if (Object.hasOwn(module, 'default')) return { kind: 'default', value: cloneable(await module.default, new Map()) };
  if (Object.hasOwn(module, '__esModule')) return { kind: 'named-only', names: Object.keys(module) };
  return { kind: 'default', value: cloneable({ ...module }, new Map()) };
})().then(
  (result) => parentPort.postMessage({ ok: true, result }),
  (error) => parentPort.postMessage({
    ok: false,
    error: { name: error && error.name, message: error && error.message !== undefined ? error.message : String(error), stack: error && error.stack, code: error && error.code },
  }),
));
`;

type WorkerAnswer =
  /** The worker took the task: the config's own deadline starts. */
  | { readonly started: true; readonly ok?: undefined }
  | { readonly ok: true; readonly result: ModuleExport }
  | { readonly ok: false; readonly error: { name?: string; message: string; stack?: string; code?: string } };

function spawnLoader(): Worker {
  return new Worker(WORKER, {
    eval: true,
    execArgv: [],
    workerData: { jiti: createRequire(import.meta.url).resolve('jiti'), base: import.meta.url, ownEntry: OWN_ENTRY },
    // A config that allocates without end fails, instead of taking the machine's memory.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
}

/** Loaders started ahead, one per module file the next load will import (config, local override). */
const warm: Worker[] = [];

/**
 * Starts `count` config loaders now, so that their workers boot (and load jiti) on another core
 * while the caller loads its own modules: commands that load the project config call it first
 * (cli/main.ts). Unused, they do not keep the process alive.
 */
export function prewarmConfigLoader(count = 1): void {
  while (warm.length < count) {
    const worker = spawnLoader();
    warm.push(worker);
    worker.unref();
    worker.once('error', () => {}); // a worker that failed to boot is replaced by a fresh one
    worker.once('exit', () => {
      const index = warm.indexOf(worker);
      if (index >= 0) warm.splice(index, 1);
    });
  }
}

/**
 * Imports `file` fresh (a new worker each time: no module cache, a changed config is read again)
 * and returns its default export.
 */
export async function importConfigModule(file: string, options: ModuleLoadOptions): Promise<ModuleExport> {
  const timeoutMs = options.timeoutMs ?? configTimeoutMs();
  const worker = warm.shift() ?? spawnLoader();
  worker.ref();
  worker.postMessage({ file, cacheDir: options.cacheDir });
  try {
    const answer = await new Promise<Exclude<WorkerAnswer, { started: true }>>((resolve, reject) => {
      let timer = setTimeout(() => {
        reject(
          new ConfigExportError(
            `the worker that loads it did not start within ${BOOT_TIMEOUT_MS / 1000} s (is the machine very busy?)`,
          ),
        );
      }, BOOT_TIMEOUT_MS);
      const settle =
        <T>(done: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          done(value);
        };
      worker.on('message', (message: WorkerAnswer) => {
        if (message.ok !== undefined) return settle(resolve)(message);
        clearTimeout(timer);
        timer = setTimeout(() => {
          reject(
            new ConfigTimeoutError(
              `it did not finish loading within ${timeoutMs / 1000} s (does it loop, or wait, at its top level?)`,
            ),
          );
        }, timeoutMs);
      });
      worker.once('error', settle(reject));
      worker.once(
        'exit',
        settle((code: number) =>
          reject(new ConfigExportError(`it ended the process that loaded it (exit code ${code})`)),
        ),
      );
    });
    if (!answer.ok) {
      const { name, stack, code, message } = answer.error;
      throw Object.assign(new Error(message), {
        ...(name === undefined ? {} : { name }),
        ...(stack === undefined ? {} : { stack }),
        ...(code === undefined ? {} : { code }),
      });
    }
    return answer.result.kind === 'default'
      ? { kind: 'default', value: withFunctions(answer.result.value) }
      : answer.result;
  } finally {
    // Whatever the config started at its top level (timers, servers, loops) ends with it.
    void worker.terminate();
  }
}

/** The markers of the worker's clone back as functions (validation then names them as such). */
function withFunctions(value: unknown, seen = new Set<object>()): unknown {
  if (value === null || typeof value !== 'object' || value instanceof RegExp || value instanceof Date) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === FUNCTION) {
    const name = String(record[FUNCTION]);
    return Object.defineProperty(() => {}, 'name', { value: name });
  }
  for (const key of keys) record[key] = withFunctions(record[key], seen);
  return value;
}
