/**
 * A private STYXY_HOME per test, with narrow port ranges of its own, so test files run in
 * parallel without competing for ports. Ranges come from a block of ports claimed across all
 * processes on the machine (an atomic mkdir under the temp folder; stale claims of dead
 * processes are taken over), between 20000 and 32000: below Linux's ephemeral range.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from './wait.js';

const FIRST_PORT = 20_000;
const BLOCK_SIZE = 60;
const BLOCKS = Math.floor((32_000 - FIRST_PORT) / BLOCK_SIZE);
const CLAIMS = join(tmpdir(), 'styxy-test-port-blocks');

/**
 * The default service types (docs/architecture.md, "Service types"), in order: each test home
 * maps them into its block.
 */
export const TYPE_NAMES = [
  'dev',
  'monitoring',
  'ui',
  'docs',
  'hub',
  'functions',
  'database',
  'storybook',
  'infrastructure',
  'api',
  'proxy',
  'build',
  'messaging',
  'auth',
  'test',
  'coordination',
  'ai',
] as const;

export interface TestHome {
  /** The STYXY_HOME folder. */
  readonly home: string;
  /** `process.env` plus STYXY_HOME (and NO_COLOR), for child processes. */
  readonly env: NodeJS.ProcessEnv;
  /** First and last port of this home's block (inclusive). */
  readonly block: readonly [number, number];
  /** Type name → inclusive range inside the block. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  /** Ports of the block that no type uses: for foreign listeners, fixed ports and the like. */
  readonly spare: readonly number[];
  /** Frees the block and deletes the folder. Call after stopping the coordinator. */
  cleanup(): void;
}

export interface TestHomeOptions {
  /** Ports per type (default 2 each; 0 leaves a type out of the file, so it keeps its default range). */
  readonly sizes?: Partial<Record<string, number>>;
  /** Extra types to add, with their size. */
  readonly extraTypes?: Readonly<Record<string, number>>;
}

function claimBlock(): number {
  mkdirSync(CLAIMS, { recursive: true });
  const start = Math.floor(Math.random() * BLOCKS);
  for (let i = 0; i < BLOCKS; i++) {
    const block = (start + i) % BLOCKS;
    const dir = join(CLAIMS, String(block));
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return block;
    } catch {
      // Taken: take it over only if its owner is gone (a killed test run).
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {}
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        rmSync(dir, { recursive: true, force: true });
        i--; // retry the same block
      }
    }
  }
  throw new Error('no free test port block: too many test homes at once?');
}

export function makeTestHome(options: TestHomeOptions = {}): TestHome {
  const block = claimBlock();
  const first = FIRST_PORT + block * BLOCK_SIZE;
  const last = first + BLOCK_SIZE - 1;
  const ranges: Record<string, readonly [number, number]> = {};
  let next = first;
  const sizes: Record<string, number> = {};
  for (const name of TYPE_NAMES) sizes[name] = options.sizes?.[name] ?? 2;
  for (const [name, size] of Object.entries(options.extraTypes ?? {})) sizes[name] = size;
  for (const [name, size] of Object.entries(sizes)) {
    if (size <= 0) continue;
    ranges[name] = [next, next + size - 1];
    next += size;
  }
  if (next - 1 > last) throw new Error(`test home asks for ${next - first} ports; a block has ${BLOCK_SIZE}`);
  const spare: number[] = [];
  for (let port = next; port <= last; port++) spare.push(port);

  const home = mkdtempSync(join(tmpdir(), 'styxy-test-'));
  const types: Record<string, { range: readonly [number, number] }> = {};
  for (const [name, range] of Object.entries(ranges)) types[name] = { range };
  writeFileSync(join(home, 'config.json'), `${JSON.stringify({ types }, null, 2)}\n`);

  return {
    home,
    env: { ...process.env, STYXY_HOME: home, NO_COLOR: '1', FORCE_COLOR: undefined },
    block: [first, last],
    ranges,
    spare,
    cleanup() {
      rmSync(home, { recursive: true, force: true });
      rmSync(join(CLAIMS, String(block)), { recursive: true, force: true });
    },
  };
}
