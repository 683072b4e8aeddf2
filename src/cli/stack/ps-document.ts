/**
 * The `ps --json` document of one stack (the `ps --json` contract, docs/architecture.md, "The
 * command line's JSON"; fields may be added, never renamed): `{ stack: { id, name, project, pid,
 * … }, services: [{ name, status, ports, pid, restarts, … }] }`. `up --json` prints the same
 * document once the stack is up.
 */
import type { ServiceSnapshot, StackPhase, StackSnapshot } from '../../protocol/stack.js';
import type { BuildInfo } from '../../protocol/version.js';
import { outdated } from './build-note.js';
import { shortFolder } from './short-folder.js';

/** Who runs the stack, and its phase: a snapshot's `stack` with its `phase`, or the coordinator's StackInfo. */
export type StackFacts = StackSnapshot['stack'] & { readonly phase: StackPhase };

export interface PsDocument {
  /**
   * `folder`: `root` as `ls` and `ps` show it (short-folder.ts). From the coordinator's record:
   * `build`, what its supervisor runs (null: a build from before build records), and
   * `outdated`, true when that is not this command's build (cli/stack/build-note.ts).
   */
  readonly stack: StackFacts & {
    readonly folder: string;
    readonly build?: BuildInfo | null;
    readonly outdated?: boolean;
  };
  readonly services: readonly PsService[];
}

export interface PsService extends ServiceSnapshot {
  /** Milliseconds since the current process started; null when none runs. */
  readonly uptimeMs: number | null;
}

/** The document of a stack's snapshot (from its supervisor). */
export function snapshotDocument(snapshot: StackSnapshot): PsDocument {
  return psDocument({ ...snapshot.stack, phase: snapshot.phase }, snapshot.services);
}

export function psDocument(
  stack: StackFacts & { readonly build?: BuildInfo | null },
  services: readonly ServiceSnapshot[],
  now: number = Date.now(),
): PsDocument {
  return {
    stack: {
      id: stack.id,
      name: stack.name,
      project: stack.project,
      pid: stack.pid,
      root: stack.root,
      folder: shortFolder(stack.root),
      detached: stack.detached,
      phase: stack.phase,
      ...(stack.build !== undefined ? { build: stack.build, outdated: outdated(stack.build) } : {}),
    },
    services: services.map((service) => ({
      name: service.name,
      status: service.status,
      ports: service.ports,
      pid: service.pid,
      restarts: service.restarts,
      uptimeMs: service.pid !== null && service.startedAt !== null ? Math.max(0, now - service.startedAt) : null,
      startedAt: service.startedAt,
      readyAt: service.readyAt,
      lastExit: service.lastExit,
      detail: service.detail,
      dependsOn: service.dependsOn,
      health: service.health ?? null,
      ...(service.shared ? { shared: true, users: service.users ?? [] } : {}),
    })),
  };
}
