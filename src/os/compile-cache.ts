/**
 * V8's compile cache (node:module `enableCompileCache`, Node ≥ 22.8) for the background
 * supervisor: each `up -d` is a new Node process that would compile the same modules from source
 * again, ~200 of them (zod is most) before it starts a service. The CLI does not use
 * it: short commands gained nothing measurable, and importing Ink got slower. With the cache, later starts read V8's compiled code back:
 * importing execa (then spawning the services) went from ~110 to ~85 ms, zod from ~65 to ~42 ms (bench/stack-start.ts
 * measures the whole `up -d`).
 *
 * The cache lives in `$STYXY_HOME/cache/node-compile`, owner-only, never in a shared temp folder
 * (compiled code another user could put there would run as ours): the home and both folders must
 * pass protocol/private-fs.ts's checks, else the cache stays off. It is used only once
 * `$STYXY_HOME` exists, so that `styxy --version` on a new machine creates nothing. A failure just
 * leaves it off; `NODE_DISABLE_COMPILE_CACHE=1` turns it off (Node's own switch).
 *
 * Node writes the cache only when the process exits, unless told sooner: a supervisor started
 * while the cache was cold wrote ~400 files (and had V8 serialize their code) as it exited, so
 * `down --all` of 100 stacks started on a new home paid that 100 times, at once (73 s of the
 * scale bench; with a warm cache 20 stacks went down in 4 s instead of 20 s). The supervisor
 * flushes it once its services are up (flushCompiledCode): later starts read it, and the exit
 * writes nothing (Node drops what it flushed).
 */
import { lstatSync } from 'node:fs';
import { enableCompileCache, flushCompileCache } from 'node:module';
import { join } from 'node:path';
import { styxyHome } from '../protocol/home.js';
import { ensurePrivateDir, homeProblem } from '../protocol/private-fs.js';

/** Call before importing anything large: only modules loaded afterwards use the cache. */
export function startCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  try {
    if (typeof enableCompileCache !== 'function') return;
    const home = styxyHome(env);
    // A home that is gone (or not made yet) stays so; one that is not ours is not read from.
    if (!lstatSync(home).isDirectory() || homeProblem(home) !== null) return;
    const cache = ensurePrivateDir(join(home, 'cache'));
    enableCompileCache(ensurePrivateDir(join(cache, 'node-compile')));
  } catch {
    // No home yet, a read-only one, or an odd one: run without the cache.
  }
}

/**
 * Writes what the cache gained so far now, not at exit (see above); nothing when the cache is
 * off or already has everything this process compiled.
 */
export function flushCompiledCode(): void {
  try {
    if (typeof flushCompileCache === 'function') flushCompileCache();
  } catch {
    // A full disk or a removed home: the cache is an optimisation only.
  }
}
