/** `npm run stress -- [--only N[,M]]... [--quick] [--seed S] [--keep]`, parsed (pure: unit-tested). */

export interface StressOptions {
  /** Scenario numbers to run, in order; all of them when `--only` is not given. */
  readonly only: readonly number[];
  /** A short pass (fewer clients, shorter runs) to try things out; docs/performance.md's runs are full. */
  readonly quick: boolean;
  /** Seed of every random choice (clients, kills, malformed frames), printed so a run can be replayed. */
  readonly seed: number;
  /** Keep the temporary STYXY_HOMEs (logs, state files) after the run; processes are stopped anyway. */
  readonly keep: boolean;
}

export type ParsedOptions =
  | { readonly ok: true; readonly options: StressOptions }
  | { readonly ok: false; readonly error: string };

export const USAGE = 'usage: npm run stress -- [--only N[,N...]] [--quick] [--seed S] [--keep]';

export function parseOptions(
  argv: readonly string[],
  scenarios: readonly number[],
  defaultSeed: number,
): ParsedOptions {
  const only: number[] = [];
  let quick = false;
  let keep = false;
  let seed = defaultSeed;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--keep':
        keep = true;
        break;
      case '--only': {
        const text = value();
        if (text === undefined) return { ok: false, error: '--only needs a scenario number' };
        for (const part of text.split(',')) {
          const id = Number(part);
          if (!scenarios.includes(id))
            return { ok: false, error: `--only ${part}: no such scenario (${scenarios.join(', ')})` };
          if (!only.includes(id)) only.push(id);
        }
        break;
      }
      case '--seed': {
        const text = value();
        const parsed = Number(text);
        if (text === undefined || !Number.isSafeInteger(parsed) || parsed < 0) {
          return { ok: false, error: `--seed needs a whole number (got ${text ?? 'nothing'})` };
        }
        seed = parsed;
        break;
      }
      default:
        return { ok: false, error: `unknown argument ${arg}` };
    }
  }
  return {
    ok: true,
    options: { only: only.length > 0 ? only.sort((a, b) => a - b) : [...scenarios], quick, seed, keep },
  };
}
