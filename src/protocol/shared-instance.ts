/**
 * When a shared service's running instance can be joined: its stack runs and its service is up.
 * Until then `acquireShared` (coordinator/shared.ts) answers `wait`, and `up --dry-run`
 * (cli/up/dry-run.ts) says so: one rule for both, so the plan says what `up -d` then does.
 */
import type { ServiceSnapshot, StackPhase } from './stack.js';

const JOINABLE: ReadonlySet<string> = new Set(['ready', 'running']);

export function instanceJoinable(phase: StackPhase, service: ServiceSnapshot | undefined): boolean {
  return phase === 'running' && service !== undefined && JOINABLE.has(service.status);
}
