/**
 * Keeps a long-lived program (a background supervisor, the coordinator, a foreground `up`) able to load the chunks
 * of the build it started from after an upgrade replaced them (docs/architecture.md,
 * "Upgrades"). It loads parts of itself only when they are needed — the control socket's schemas
 * with its first request, execa with the first stop command, chokidar with the first watch — and
 * `npm i -g styxy@new` replaces dist/ meanwhile, chunk names included (they carry a hash).
 *
 * At start it reads every chunk the program can load (dist/build.json, written by
 * scripts/build.mjs) into memory and registers module hooks (node:module `registerHooks`,
 * in-thread, Node ≥ 22.15) that answer those URLs with the bytes read, so a later `import()`
 * loads the build it runs even when the files are gone or replaced. A chunk's bytes are let go
 * once it is loaded; what stays is what the process never loaded (about 1.1 MB for a
 * background supervisor: zod and execa most of it), rather than the 15 MB or so that loading
 * zod and execa at start costs.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';
import { packageFile, RUNNING_SOURCES } from '../protocol/package-root.js';

/** The program's path under dist/ as build.json names it: `supervisor/background-main.js`. */
export type KeptProgram = 'supervisor/background-main.js' | 'coordinator/main.js' | 'cli/bin.js';

/** Reads the program's chunks and registers the hooks; returns how many bytes it keeps (0: off). */
export function keepChunks(program: KeptProgram): number {
  const registerHooks = (nodeModule as Partial<typeof nodeModule>).registerHooks;
  if (RUNNING_SOURCES || typeof registerHooks !== 'function') return 0;
  const kept = new Map<string, Buffer | null>();
  let bytes = 0;
  try {
    const build = JSON.parse(readFileSync(packageFile('dist/build.json'), 'utf8')) as {
      chunks?: Record<string, { readonly loaded: readonly string[]; readonly lazy: readonly string[] }>;
    };
    const chunks = build.chunks?.[program];
    if (!chunks) return 0;
    const url = (file: string) => pathToFileURL(packageFile(`dist/${file}`)).href;
    // Loaded with the program: only their names, which later chunks import them by.
    for (const file of chunks.loaded) kept.set(url(file), null);
    for (const file of chunks.lazy) {
      const source = readFileSync(packageFile(`dist/${file}`));
      kept.set(url(file), source);
      bytes += source.length;
    }
  } catch {
    // No build record (or a chunk gone already): load from the files as before.
    return 0;
  }
  registerHooks({
    // A kept URL resolves to itself without a look at the file, which may be gone; the module
    // map then hands back what is loaded already.
    resolve(specifier, context, nextResolve) {
      if (context.parentURL !== undefined && (specifier.startsWith('./') || specifier.startsWith('../'))) {
        const url = new URL(specifier, context.parentURL).href;
        if (kept.has(url)) return { url, format: 'module', shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
    load(url, context, nextLoad) {
      const source = kept.get(url);
      if (source === undefined || source === null) return nextLoad(url, context);
      kept.set(url, null);
      return { format: 'module', source, shortCircuit: true };
    },
  });
  return bytes;
}
