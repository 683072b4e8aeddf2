/**
 * Logs per run: each start of a service writes a separator (run, time, pid, ports) into its log;
 * `styxy logs` shows the runs in order with their separators, `--current` only the latest run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

describe('logs per run', () => {
  it('separates runs, and --current shows only the latest', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ api: 2 }) });
    const root = bg.project('shop', {
      services: { api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } } },
    });
    const up = await bg.upDetached(root);
    const first = up.services[0]!;
    const restarted = await bg.cli(root, ['restart', 'api']);
    expect(restarted.code).toBe(0);
    const separator = /^\[styxy\] ──── run (\d) · \S+Z · pid (\d+) · :(\d+) ────$/;
    const runs = await waitFor(
      async () => {
        const lines = (await bg!.cli(root, ['logs'])).stdout.split('\n').filter((line) => separator.test(line));
        return lines.length === 2 ? lines : null;
      },
      { message: 'two run separators' },
    );
    expect(runs.map((line) => separator.exec(line)![1])).toEqual(['1', '2']);
    expect(separator.exec(runs[0]!)![2]).toBe(String(first.pid));
    expect(runs.every((line) => separator.exec(line)![3] === String(first.ports.PORT))).toBe(true);
    const current = (await bg.cli(root, ['logs', '--current'])).stdout.split('\n').filter(Boolean);
    expect(current[0]).toMatch(/^\[styxy\] ──── run 2 /);
    expect(current.filter((line) => separator.test(line))).toHaveLength(1);
    expect(current.some((line) => line.includes('restarting (by request)'))).toBe(false);
  });
});
