/**
 * Samples the coordinator's own list of leases (`listLeases`) back to back, each sample timed on
 * the shared clock before the request and after the reply, and the coordinator's pid (`status`)
 * now and then. It is a well-behaved client too: its errors count.
 */
import { monoMs, sleep } from './clock.ts';
import { type Client, connect } from './coordinator.ts';
import { makeSample, type Sample } from './lease-check.ts';
import type { Range, StressHome } from './stress-home.ts';

export class LeaseSampler {
  readonly samples: Sample[] = [];
  readonly coordinatorPids = new Set<number>();
  readonly errors: string[] = [];
  #running = false;
  #loop: Promise<void> | null = null;

  /** Starts sampling; only leases inside `range` are kept. */
  async start(home: StressHome, range: Range, minGapMs = 10): Promise<void> {
    const client: Client = await connect(home);
    this.coordinatorPids.add(client.coordinatorPid);
    client.on('disconnected', () => this.errors.push('the sampler lost its connection to the coordinator'));
    this.#running = true;
    this.#loop = (async () => {
      let lastStatus = 0;
      while (this.#running) {
        const began = Date.now();
        try {
          const sent = monoMs();
          const leases = await client.listLeases();
          const recv = monoMs();
          this.samples.push(
            makeSample(
              sent,
              recv,
              leases.filter((lease) => lease.port >= range[0] && lease.port <= range[1]),
            ),
          );
          if (began - lastStatus > 500) {
            lastStatus = began;
            this.coordinatorPids.add((await client.status()).pid ?? -1);
          }
        } catch (error) {
          this.errors.push(`sampler: ${(error as Error).message}`);
          await sleep(100);
        }
        const left = minGapMs - (Date.now() - began);
        if (left > 0) await sleep(left);
      }
      await client.close();
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }
}
