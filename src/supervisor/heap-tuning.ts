/**
 * One V8 setting for the process that runs a stack, measured with bench/log-throughput.ts.
 *
 * V8 "pretenures" objects allocated where most survive a young-generation collection: it then
 * allocates them straight into the old generation. The log rings make the line objects look like
 * that (the newest 5,000 lines of each service are alive at every collection), so in some runs
 * V8 switches the line allocation to the old generation; under a flood (hundreds of thousands
 * of lines a second, each alive for milliseconds) the old generation then fills with dead lines
 * at ~100 MB/s and the process peaks at about 250 MB instead of 150 MB, with a full collection
 * every second. Without pretenuring the lines die young, as they are; throughput is unchanged.
 * V8 reads the flag when it makes each decision, so setting it before the first line is enough.
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

export function tuneHeapForLogRings(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}

/**
 * Node flags a background supervisor starts with (`up -d`, shared services). The young
 * generation is capped at 1 MB a semi-space (V8 grows it to 8 MB and more under allocation and
 * keeps it): a background supervisor's allocations are log lines that die at once, which a
 * small young generation collects as cheaply, and its resident memory is what twenty stacks cost
 * before any service runs — 91 → 83 MB for web-api-worker (docs/performance.md). Not for a
 * foreground `up`: its UI allocates frames, and one process is not the problem.
 */
export const BACKGROUND_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
