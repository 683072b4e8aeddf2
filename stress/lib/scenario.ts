/** What every scenario module of stress/scenarios/ exports, and what run.ts gives it. */
import type { ScenarioReport } from './report.ts';
import type { Rng } from './rng.ts';

export interface ScenarioContext {
  /** The run's temporary folder: every STYXY_HOME and project folder of the run lives under it. */
  readonly root: string;
  readonly quick: boolean;
  /** This scenario's own generator (derived from `--seed`). */
  readonly rng: Rng;
  /** Registers a cleanup step; run.ts runs them in reverse order at the end, even after a failure. */
  readonly defer: (step: () => void | Promise<void>) => void;
  /** A progress line (not a check). */
  readonly progress: (text: string) => void;
}

export interface Scenario {
  readonly id: number;
  readonly title: string;
  run(context: ScenarioContext, report: ScenarioReport): Promise<void>;
}
