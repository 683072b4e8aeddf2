/**
 * The order in which ports are tried for one request (docs/architecture.md, "Choosing a port"):
 * the port this (project, stack, service, port name) had last time, then the preferred port,
 * then the type's range from its lowest port. Ports in the OS ephemeral range and ports browsers
 * refuse to open are skipped unless asked for by number (preferred or fixed). Pure.
 */
import type { ServiceType } from '../protocol/service-types.js';

export interface PortPolicy {
  readonly types: ReadonlyMap<string, ServiceType>;
  /** Inclusive bounds of the OS ephemeral range, or null when unknown. */
  readonly ephemeral: readonly [number, number] | null;
  readonly blocked: ReadonlySet<number>;
}

export type SkipReason = 'ephemeral' | 'browser-blocked';

/** Why a port is never chosen from a range (null: it may be). */
export function skipReason(port: number, policy: PortPolicy): SkipReason | null {
  if (policy.blocked.has(port)) return 'browser-blocked';
  const ephemeral = policy.ephemeral;
  if (ephemeral && port >= ephemeral[0] && port <= ephemeral[1]) return 'ephemeral';
  return null;
}

export function inRange(port: number, range: readonly [number, number]): boolean {
  return port >= range[0] && port <= range[1];
}

/**
 * Candidate ports for a request of type `type`, best first, each once. `sticky` is the port the
 * request's key had last; it counts only while it lies in the type's range (a type whose range
 * changed starts over) or is the preferred port.
 */
export function* candidates(
  request: { readonly preferred: number | null },
  type: ServiceType,
  sticky: number | undefined,
  policy: PortPolicy,
): Generator<number> {
  const preferred = request.preferred;
  if (sticky !== undefined) {
    const fits = sticky === preferred || (inRange(sticky, type.range) && skipReason(sticky, policy) === null);
    if (fits) yield sticky;
  }
  if (preferred !== null && preferred !== sticky) yield preferred;
  for (let port = type.range[0]; port <= type.range[1]; port++) {
    if (port === sticky || port === preferred) continue;
    if (skipReason(port, policy) === null) yield port;
  }
}

/** How many ports of `range` are never chosen from it. */
export function skippedIn(range: readonly [number, number], policy: PortPolicy): number {
  let count = 0;
  for (let port = range[0]; port <= range[1]; port++) if (skipReason(port, policy) !== null) count++;
  return count;
}
