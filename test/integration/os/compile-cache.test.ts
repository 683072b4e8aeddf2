/**
 * V8's compile cache of the background supervisor (src/os/compile-cache.ts), in a real Node
 * process: it lives in $STYXY_HOME/cache/node-compile (owner-only), and a home that does not
 * exist yet is not created for it; flushCompiledCode writes it while the process still runs.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const MODULE = new URL('../../../dist/os/compile-cache.js', import.meta.url).href;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts the cache in a new Node process with STYXY_HOME=home; returns the folder Node uses ('' for none). */
function startIn(home: string): string {
  const script = `const { startCompileCache } = await import(${JSON.stringify(MODULE)});
startCompileCache();
process.stdout.write((await import('node:module')).getCompileCacheDir?.() ?? '');`;
  const env: NodeJS.ProcessEnv = { ...process.env, STYXY_HOME: home };
  delete env.NODE_DISABLE_COMPILE_CACHE;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
}

describe('compile cache', () => {
  it('lives in the home, owner-only', () => {
    const home = mkdtempSync(join(tmpdir(), 'styxy-cache-'));
    dirs.push(home);
    const cache = join(home, 'cache', 'node-compile');
    expect(startIn(home).startsWith(`${cache}/`)).toBe(true); // Node adds a folder per version
    expect(statSync(cache).mode & 0o777).toBe(0o700);
  });

  it('is never read from a folder others can write to, nor through a link', () => {
    const home = mkdtempSync(join(tmpdir(), 'styxy-cache-'));
    dirs.push(home);
    mkdirSync(join(home, 'cache'));
    chmodSync(join(home, 'cache'), 0o777);
    expect(startIn(home)).toBe('');
    expect(statSync(join(home, 'cache')).mode & 0o777).toBe(0o777); // refused, not "fixed"
    chmodSync(join(home, 'cache'), 0o700);
    const elsewhere = mkdtempSync(join(tmpdir(), 'styxy-cache-elsewhere-'));
    dirs.push(elsewhere);
    symlinkSync(elsewhere, join(home, 'cache', 'node-compile'));
    expect(startIn(home)).toBe('');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('is written when flushed, not only at exit (a supervisor flushes once its stack is up)', () => {
    const home = mkdtempSync(join(tmpdir(), 'styxy-cache-'));
    dirs.push(home);
    // A module of ours loaded after the cache started; the files counted before the process exits.
    const script = `const { startCompileCache, flushCompiledCode } = await import(${JSON.stringify(MODULE)});
startCompileCache();
await import(${JSON.stringify(new URL('../../../dist/os/port-holder.js', import.meta.url).href)});
const { readdirSync } = await import('node:fs');
const dir = (await import('node:module')).getCompileCacheDir();
const before = readdirSync(dir).length;
flushCompiledCode();
process.stdout.write(JSON.stringify({ before, after: readdirSync(dir).length }));`;
    const env: NodeJS.ProcessEnv = { ...process.env, STYXY_HOME: home };
    delete env.NODE_DISABLE_COMPILE_CACHE;
    const counts = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }),
    );
    expect(counts.before).toBe(0);
    expect(counts.after).toBeGreaterThan(0);
  });

  it('never creates a home that does not exist', () => {
    const parent = mkdtempSync(join(tmpdir(), 'styxy-cache-'));
    dirs.push(parent);
    const home = join(parent, 'not-yet');
    expect(startIn(home)).toBe('');
    expect(existsSync(home)).toBe(false);
  });
});
