import type { ServiceType } from '../protocol/service-types.js';

/** The few facts resolution needs from outside the config object; tests pass plain values. */
export interface ResolveContext {
  /** The project root (real path): `cwd` and `envFile` are relative to it. */
  readonly root: string;
  /** The service types in effect (defaults plus `$STYXY_HOME/config.json`). */
  readonly types: readonly ServiceType[];
  readonly files: ConfigFiles;
}

/** File-system reads, behind an interface so resolution stays a pure function in tests. */
export interface ConfigFiles {
  /** The text of a file, undefined when there is no such file, or why it cannot be read as one. */
  readText(path: string): string | undefined | { readonly problem: string };
  isDirectory(path: string): boolean;
}
