/**
 * A private STYXY_HOME per scenario, under the run's own temporary folder, whose config.json
 * maps every default service type (and the scenario's own types) into a block of ports of the
 * stress run: nothing it does can land on a user's real ranges (the default service types), on
 * the test suite's block (20000–32000) or on the lease bench's (12000–12399), and it stays below
 * Linux's ephemeral range.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TYPES } from '../../dist/protocol/service-types.js';

export type Range = readonly [from: number, to: number];

export interface StressHome {
  readonly home: string;
  /** `process.env` plus STYXY_HOME, without colour or a run tag, for every process started. */
  readonly env: NodeJS.ProcessEnv;
  /** Type name → range, as written to config.json. */
  readonly ranges: Readonly<Record<string, Range>>;
}

/** Each block: the scenario's own types from its first port, the default types from +600, 20 ports each. */
const DEFAULTS_OFFSET = 600;
const DEFAULT_SIZE = 20;

export function makeStressHome(
  root: string,
  name: string,
  block: number,
  types: Readonly<Record<string, Range>>,
): StressHome {
  const home = join(root, name);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const ranges: Record<string, Range> = {};
  DEFAULT_TYPES.forEach((type, index) => {
    const from = block + DEFAULTS_OFFSET + index * DEFAULT_SIZE;
    ranges[type.name] = [from, from + DEFAULT_SIZE - 1];
  });
  Object.assign(ranges, types);
  const config = { types: Object.fromEntries(Object.entries(ranges).map(([type, range]) => [type, { range }])) };
  writeFileSync(join(home, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, STYXY_HOME: home, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  delete env.STYXY_TAG;
  return { home, env, ranges };
}

/** Every port of `range`. */
export function portsOf([from, to]: Range): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
