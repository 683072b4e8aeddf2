/**
 * The soundness check of scenario 1 (pure: unit-tested). Each client process records, on the
 * machine's monotonic clock, when it held each port: from just after the coordinator's reply
 * (the lease was granted before) to just before it sent the release (the lease ends after).
 * Those "holdings" are subsets of the real leases, so if the coordinator never leased a port
 * to two owners at once, the holdings of one port never overlap — and a holding that overlaps
 * another is a double lease, never an artefact of timing.
 *
 * A client killed while holding a port has no end: its lease lawfully lasts until the
 * coordinator reaps it, which is after the client died (after the driver's SIGKILL) and after
 * every sample of the coordinator's own list that still showed it (a sample is taken between
 * `sent` and `recv`, so the lease existed after `sent`). The later of the two is a lower bound
 * of the lawful end: another holding of that port starting before it is a violation.
 *
 * The coordinator's list, sampled all along, is checked against the holdings too: while a
 * client surely held a port (its holding spans a whole sample), that sample must list the port
 * with that client's pid — neither free nor someone else's.
 */

export interface Holding {
  readonly port: number;
  readonly pid: number;
  /** Who, for messages (`client 12 #3`). */
  readonly label: string;
  /** Just after the reserve reply arrived. */
  readonly start: number;
  /** Just before the release was sent; null when the client died holding the port. */
  readonly end: number | null;
  /** For `end: null`: a moment the client was surely alive (just before its SIGKILL). */
  readonly aliveUntil: number;
}

/** One `listLeases` answer: the coordinator's table at some moment between `sent` and `recv`. */
export interface Sample {
  readonly sent: number;
  readonly recv: number;
  /** Leased ports, ascending, and their owners' pids. */
  readonly ports: Int32Array;
  readonly pids: Int32Array;
}

export interface LeaseCheck {
  /** Two holdings of one port that overlap in time. */
  readonly overlaps: string[];
  /** A sample that does not list a port a client surely held, or lists another owner. */
  readonly disagreements: string[];
  /** A sample listing one port twice. */
  readonly duplicates: string[];
  readonly checkedSamples: number;
}

export function makeSample(sent: number, recv: number, leases: readonly { port: number; pid: number }[]): Sample {
  const sorted = [...leases].sort((a, b) => a.port - b.port);
  return {
    sent,
    recv,
    ports: Int32Array.from(sorted, (lease) => lease.port),
    pids: Int32Array.from(sorted, (lease) => lease.pid),
  };
}

/** The pid the sample lists for `port`, or null when the port is not leased in it. */
export function holderIn(sample: Sample, port: number): number | null {
  let low = 0;
  let high = sample.ports.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const value = sample.ports[mid]!;
    if (value === port) return sample.pids[mid]!;
    if (value < port) low = mid + 1;
    else high = mid - 1;
  }
  return null;
}

/** Index of the first sample sent at or after `time` (samples sorted by `sent`). */
function firstSentFrom(samples: readonly Sample[], time: number): number {
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (samples[mid]!.sent < time) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function checkHoldings(holdings: readonly Holding[], unsorted: readonly Sample[], origin = 0): LeaseCheck {
  const samples = [...unsorted].sort((a, b) => a.sent - b.sent);
  const at = (time: number) => `${((time - origin) / 1000).toFixed(3)} s`;
  const describe = (h: Holding, end: number) =>
    `${h.label} (pid ${h.pid}) ${at(h.start)}–${h.end === null ? `${at(end)} (killed holding it)` : at(end)}`;
  const overlaps: string[] = [];
  const disagreements: string[] = [];
  const duplicates: string[] = [];

  for (const sample of samples) {
    for (let i = 1; i < sample.ports.length; i++) {
      if (sample.ports[i] === sample.ports[i - 1]) {
        duplicates.push(`the list at ${at(sample.sent)} has port ${sample.ports[i]} twice`);
      }
    }
  }

  // The lawful end of each holding, and the samples it must agree with.
  const lawfulEnd = new Map<Holding, number>();
  for (const h of holdings) {
    const surelyHeldUntil = h.end ?? h.aliveUntil;
    let end = surelyHeldUntil;
    for (let i = firstSentFrom(samples, h.start); i < samples.length; i++) {
      const sample = samples[i]!;
      if (sample.sent > surelyHeldUntil) {
        if (h.end !== null) break;
        // Died holding it: the lease lasts at least as long as the coordinator still lists it.
        if (holderIn(sample, h.port) !== h.pid) break;
        end = Math.max(end, sample.sent);
        continue;
      }
      if (sample.recv > surelyHeldUntil) continue; // the holding does not span this sample
      const listed = holderIn(sample, h.port);
      if (listed !== h.pid) {
        disagreements.push(
          `port ${h.port}: ${describe(h, surelyHeldUntil)} held it, but the coordinator's list at ` +
            `${at(sample.sent)}–${at(sample.recv)} shows ${listed === null ? 'no lease' : `pid ${listed}`}`,
        );
      }
    }
    lawfulEnd.set(h, end);
  }

  const byPort = new Map<number, Holding[]>();
  for (const h of holdings) {
    const list = byPort.get(h.port);
    if (list) list.push(h);
    else byPort.set(h.port, [h]);
  }
  for (const [port, list] of byPort) {
    list.sort((a, b) => a.start - b.start);
    let latest: Holding | null = null;
    for (const h of list) {
      if (latest !== null && h.start < lawfulEnd.get(latest)!) {
        overlaps.push(
          `port ${port}: ${describe(latest, lawfulEnd.get(latest)!)} and ${describe(h, lawfulEnd.get(h)!)} overlap`,
        );
      }
      if (latest === null || lawfulEnd.get(h)! > lawfulEnd.get(latest)!) latest = h;
    }
  }
  return { overlaps, disagreements, duplicates, checkedSamples: samples.length };
}
