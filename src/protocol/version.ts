import { readFileSync } from 'node:fs';
import { packageFile } from './package-root.js';

/**
 * The version of the coordinator's wire protocol (methods, params and results in
 * coordinator-protocol.ts). Bump it on any change an older peer would misread; a client and a
 * coordinator of different versions refuse each other at hello and tell the user to run
 * `styxy daemon stop` (the next command starts a coordinator of its own version).
 * 3: registerStop, acquireShared and planPorts; the `unhealthy` and `off` statuses in stack states
 * (a coordinator of 2 refuses them).
 */
export const PROTOCOL_VERSION = 3;

/** Styxy's package version (from its package.json). */
export const STYXY_VERSION: string = (
  JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }
).version;

/**
 * This build's id (`dist/build.json`, a hash of every bundled file, written by
 * scripts/build.mjs): with the version, what a supervisor and the coordinator record as the build
 * they run, so a command of a newer install can tell (docs/architecture.md, "Upgrades"). Null
 * without a build record.
 */
export const STYXY_BUILD_ID: string | null = (() => {
  try {
    const { id } = JSON.parse(readFileSync(packageFile('dist/build.json'), 'utf8')) as { id?: unknown };
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
})();

/** The build a process runs: `{ version, id }`. */
export interface BuildInfo {
  readonly version: string;
  readonly id: string | null;
}

export const STYXY_BUILD: BuildInfo = { version: STYXY_VERSION, id: STYXY_BUILD_ID };

/**
 * How `build` (a supervisor's or the coordinator's record, as the coordinator answers it) stands
 * to this process's: `same`; `older` or `newer` (by version; another build of the same version,
 * or none recorded, counts as older: it is what an upgrade leaves running); `unknown` when the
 * coordinator records no builds (`undefined`: an older coordinator).
 */
export function compareBuild(build: BuildInfo | null | undefined): 'same' | 'older' | 'newer' | 'unknown' {
  if (build === undefined) return 'unknown';
  if (build === null) return 'older';
  if (build.version === STYXY_VERSION && build.id === STYXY_BUILD_ID) return 'same';
  const parts = (version: string) => version.split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
  const [theirs, ours] = [parts(build.version), parts(STYXY_VERSION)];
  for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
    if ((theirs[i] ?? 0) !== (ours[i] ?? 0)) return (theirs[i] ?? 0) > (ours[i] ?? 0) ? 'newer' : 'older';
  }
  return 'older';
}

/** `0.1.0 (build 68c7c1b25441)`; for no record, what that means. */
export function describeBuild(build: BuildInfo | null | undefined): string {
  if (!build) return 'a Styxy from before build records';
  return `${build.version} (build ${build.id ?? 'unknown'})`;
}
