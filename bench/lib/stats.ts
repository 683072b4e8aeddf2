/** Latency statistics and the shape every bench module returns. */

export interface BenchRow {
  /** What was measured, e.g. "lease+release, 8 clients". */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The baseline measured in the same run, same unit. */
  readonly baseline: { readonly name: string; readonly value: number } | null;
  /** A goal, e.g. "≤ 2 ms", and whether this run met it. */
  readonly goal: { readonly text: string; readonly met: boolean } | null;
}

/** What `npm run bench -- [--quick] [MODULE...]` passes to every module. */
export interface BenchOptions {
  /** A short run (a few seconds a measure) to try things out; docs/performance.md's numbers are full runs. */
  readonly quick?: boolean;
}

export interface BenchModule {
  readonly title: string;
  run(options?: BenchOptions): Promise<BenchRow[]>;
}

/** The q-quantile (0..1) of `values` (sorted in place). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const index = Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1));
  return values[index]!;
}
