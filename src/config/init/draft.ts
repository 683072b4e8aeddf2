/**
 * What `styxy init` converts a project's existing launcher file into, before it is written out:
 * the config itself (plain data that `styxy config` accepts) and, beside each part, the comments
 * that say where it came from and what did not map.
 */
import type { ServiceConfig } from '../types.js';

export interface DraftService {
  readonly name: string;
  readonly config: ServiceConfig;
  /** Lines written above the service (without `//`). */
  readonly comments: readonly string[];
}

export interface Draft {
  /** What it was made from, e.g. `Procfile` (for messages and the file's first comment). */
  readonly source: string;
  /** Lines written at the top of the config (without `//`). */
  readonly header: readonly string[];
  readonly services: readonly DraftService[];
  /** Entries of the source left out entirely, with why: `["clock", "disabled in process-compose"]`. */
  readonly skipped: readonly (readonly [string, string])[];
}
