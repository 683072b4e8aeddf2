/**
 * What `ps`, `ls`, `doctor` and `up -d` say of a stack whose supervisor runs another Styxy build
 * than the command (an upgrade while it ran; docs/architecture.md, "Upgrades").
 */
import { type BuildInfo, compareBuild, describeBuild, STYXY_BUILD } from '../../protocol/version.js';

/** True for a build the coordinator recorded (or recorded as none) that is not this one. */
export function outdated(build: BuildInfo | null | undefined): boolean {
  const relation = compareBuild(build);
  return relation === 'older' || relation === 'newer';
}

/** `an older build of Styxy, 0.1.0 (build 1a2b…), than this command's, 0.1.0 (build 3c4d…)` */
export function buildNote(build: BuildInfo | null | undefined): string {
  const relation = compareBuild(build) === 'newer' ? 'a newer' : 'an older';
  return `${relation} build of Styxy, ${describeBuild(build)}, than this command's, ${describeBuild(STYXY_BUILD)}`;
}

/** The fix for a stack on another build. */
export const REBUILD_FIX = '`styxy down` then `styxy up` (or `up -d`) in its folder starts it on this build';

/** The fix for a coordinator on another build. */
export const COORDINATOR_REBUILD_FIX =
  '`styxy daemon stop`: the next command starts one of this build (running stacks re-claim their ports)';

/** What `daemon status` and `doctor` say of a coordinator on another build (absent: an older one). */
export function coordinatorBuildNote(status: { readonly build?: BuildInfo }): string {
  return `the coordinator runs ${buildNote(status.build ?? null)}`;
}
