/**
 * Chooses a port for every request of a batch, or says which request could not be served and
 * why. All or nothing: the result is a plan; nothing is leased until the caller commits it.
 * Pure but for `probe` (is the port bindable right now?), which is injected: the coordinator
 * binds real sockets, tests pass a table.
 *
 * A port is free when it has no lease (checked first, without probing) and the probe can bind
 * it. The caller serializes batches, so no other batch can take a port while it is probed.
 */
import type { PortRequest } from '../protocol/coordinator-protocol.js';
import type { ServiceType } from '../protocol/service-types.js';
import { candidates, inRange, type PortPolicy, skippedIn } from './candidates.js';
import type { LeaseRecord } from './registry.js';

/** Whether `port` can be bound right now on every local address. */
export type Probe = (port: number) => Promise<boolean>;

export interface ChooseInput {
  readonly requests: readonly PortRequest[];
  readonly policy: PortPolicy;
  readonly leaseOf: (port: number) => LeaseRecord | undefined;
  /** The sticky port of a request (its key's last port), if any. */
  readonly stickyOf: (request: PortRequest) => number | undefined;
}

export type ChooseFailure =
  | { readonly kind: 'unknown-type'; readonly request: PortRequest; readonly type: string }
  | { readonly kind: 'duplicate'; readonly request: PortRequest; readonly port: number }
  | { readonly kind: 'fixed-leased'; readonly request: PortRequest; readonly port: number; readonly lease: LeaseRecord }
  | { readonly kind: 'fixed-busy'; readonly request: PortRequest; readonly port: number }
  | {
      readonly kind: 'exhausted';
      readonly request: PortRequest;
      readonly type: ServiceType;
      /** Leases inside the range. */
      readonly leased: readonly LeaseRecord[];
      /** Ports of the range another program holds. */
      readonly busy: readonly number[];
      /** Ports of the range never handed out (browser-blocked, OS ephemeral range). */
      readonly skipped: number;
      /** Ports of the range this same batch took for earlier requests. */
      readonly batch: number;
    };

export type ChooseResult =
  | { readonly ok: true; readonly ports: readonly number[] }
  | { readonly ok: false; readonly failure: ChooseFailure };

export async function choosePorts(input: ChooseInput, probe: Probe): Promise<ChooseResult> {
  const { requests, policy, leaseOf } = input;
  // Unknown types fail before any probe.
  for (const request of requests) {
    if (request.fixed === null && !policy.types.has(request.type ?? '')) {
      return { ok: false, failure: { kind: 'unknown-type', request, type: request.type ?? '' } };
    }
  }
  const taken = new Set<number>();
  const busy = new Set<number>();
  const ports: number[] = [];
  const isFree = async (port: number): Promise<boolean> => {
    if (busy.has(port)) return false;
    if (await probe(port)) return true;
    busy.add(port);
    return false;
  };

  for (const request of requests) {
    if (request.fixed !== null) {
      const port = request.fixed;
      if (taken.has(port)) return { ok: false, failure: { kind: 'duplicate', request, port } };
      const lease = leaseOf(port);
      if (lease) return { ok: false, failure: { kind: 'fixed-leased', request, port, lease } };
      if (!(await isFree(port))) return { ok: false, failure: { kind: 'fixed-busy', request, port } };
      taken.add(port);
      ports.push(port);
      continue;
    }
    const type = policy.types.get(request.type ?? '')!;
    let found: number | undefined;
    for (const port of candidates(request, type, input.stickyOf(request), policy)) {
      if (taken.has(port) || leaseOf(port)) continue;
      if (await isFree(port)) {
        found = port;
        break;
      }
    }
    if (found === undefined) return { ok: false, failure: exhausted(request, type, input, taken, busy) };
    taken.add(found);
    ports.push(found);
  }
  return { ok: true, ports };
}

function exhausted(
  request: PortRequest,
  type: ServiceType,
  input: ChooseInput,
  taken: ReadonlySet<number>,
  busy: ReadonlySet<number>,
): ChooseFailure {
  const leased: LeaseRecord[] = [];
  for (let port = type.range[0]; port <= type.range[1]; port++) {
    const lease = input.leaseOf(port);
    if (lease) leased.push(lease);
  }
  return {
    kind: 'exhausted',
    request,
    type,
    leased,
    busy: [...busy].filter((port) => inRange(port, type.range)).sort((a, b) => a - b),
    skipped: skippedIn(type.range, input.policy),
    batch: [...taken].filter((port) => inRange(port, type.range)).length,
  };
}
