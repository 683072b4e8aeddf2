/**
 * Lease latency and throughput: lease + release round trips of a 3-port batch against a real
 * coordinator (its own process, a temporary STYXY_HOME), at 1, 8 and 64 concurrent clients,
 * beside the floor: a plain node-ipc echo over the same kind of socket doing the same two round
 * trips (bench/lib/echo-server.ts), measured in the same run.
 *
 * Two ways of loading it:
 * - closed loop: every client leases and releases back to back. This is the throughput the
 *   coordinator sustains; latency is then mostly queueing (N clients / throughput).
 * - open loop at 2,000 leases/s offered by 64 clients (each at its own random pace): the latency
 *   a client sees while the machine does 2,000 leases a second — the goal's situation.
 *
 * A "lease" is one batch of 3 ports (reserve, then release). Ports/s = 3 × leases/s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCoordinator } from '../dist/client/coordinator-client.js';
import { connectIpc } from '../dist/transport/ipc.js';
import { removeOnAbort } from './lib/abort.ts';
import { type BenchModule, type BenchRow, quantile } from './lib/stats.ts';

const COORDINATOR = new URL('../dist/coordinator/main.js', import.meta.url).pathname;
const ECHO_SERVER = new URL('./lib/echo-server.ts', import.meta.url).pathname;
/** Outside the default types and below Linux's ephemeral range; 64 clients × 3 ports fit. */
const RANGE: [number, number] = [12_000, 12_399];
const WARMUP_MS = 300;
const MEASURE_MS = 2000;
const OPEN_LOOP_RATE = 2000;

/** One client's round: returns when done. */
type Round = () => Promise<void>;

interface Measured {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
  /** Every round's latency, ms (scale.ts pools several runs). */
  readonly latencies: readonly number[];
}

/** Runs `rounds` (one per client) back to back for MEASURE_MS after a warm-up. */
export async function closedLoop(rounds: readonly Round[]): Promise<Measured> {
  const latencies: number[] = [];
  let measuring = false;
  let done = 0;
  let stop = false;
  const loops = rounds.map(async (round) => {
    while (!stop) {
      const start = performance.now();
      await round();
      if (measuring) {
        latencies.push(performance.now() - start);
        done++;
      }
    }
  });
  await sleep(WARMUP_MS);
  measuring = true;
  const start = performance.now();
  await sleep(MEASURE_MS);
  measuring = false;
  const elapsed = performance.now() - start;
  stop = true;
  await Promise.all(loops);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    perSecond: (done / elapsed) * 1000,
    latencies,
  };
}

/** Each client starts rounds at random intervals averaging `rate / clients` a second. */
async function openLoop(rounds: readonly Round[], rate: number): Promise<Measured> {
  const latencies: number[] = [];
  let done = 0;
  const meanGapMs = (rounds.length / rate) * 1000;
  const start = performance.now();
  const end = start + WARMUP_MS + MEASURE_MS;
  await Promise.all(
    rounds.map(async (round) => {
      let next = performance.now() + Math.random() * meanGapMs;
      for (;;) {
        await sleep(Math.max(0, next - performance.now()));
        const at = performance.now();
        if (at >= end) return;
        await round();
        if (at >= start + WARMUP_MS) {
          latencies.push(performance.now() - at);
          done++;
        }
        next += -Math.log(1 - Math.random()) * meanGapMs; // Poisson arrivals
      }
    }),
  );
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    perSecond: (done / MEASURE_MS) * 1000,
    latencies,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function startCoordinator(home: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [COORDINATOR], { env: { ...process.env, STYXY_HOME: home }, stdio: 'ignore' });
  const probe = await waitFor(() => connectCoordinator({ home, kind: 'cli', autoStart: false, timeoutMs: 1000 }));
  await probe.close();
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}

async function startEcho(socketPath: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', ECHO_SERVER, socketPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}

async function waitFor<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}

/** N coordinator clients, each round = reserve 3 ports of `type`, then release them. */
export async function leaseClients(home: string, count: number, type = 'bench') {
  const clients = await Promise.all(
    Array.from({ length: count }, () => connectCoordinator({ home, kind: 'cli', autoStart: false })),
  );
  const rounds: Round[] = clients.map((client, index) => {
    const requests = ['PORT', 'HMR_PORT', 'DEBUG_PORT'].map((portName) => ({
      service: `bench-${index}`,
      portName,
      type,
      preferred: null,
      fixed: null,
    }));
    return async () => {
      const leases = await client.reserve({ requests });
      await client.release(leases.map((lease: { port: number }) => lease.port));
    };
  });
  return { rounds, close: () => Promise.all(clients.map((client) => client.close())) };
}

/** N echo clients, each round = two echoes of request-sized payloads (as reserve + release). */
async function echoClients(socketPath: string, count: number) {
  const clients = await Promise.all(
    Array.from({ length: count }, async () => {
      let pending: (() => void) | undefined;
      const connection = await connectIpc(socketPath, {
        onMessage: () => pending?.(),
        onClose: () => {},
        onBug: () => {},
      });
      const echo = (data: unknown) =>
        new Promise<void>((resolve) => {
          pending = resolve;
          connection.send('request', data);
        });
      return { connection, echo };
    }),
  );
  const reserve = {
    id: 1,
    method: 'reserve',
    params: {
      requests: ['PORT', 'HMR_PORT', 'DEBUG_PORT'].map((portName) => ({
        service: 'bench-0',
        portName,
        type: 'bench',
        preferred: null,
        fixed: null,
      })),
    },
  };
  const release = { id: 2, method: 'release', params: { ports: [12000, 12001, 12002] } };
  const rounds: Round[] = clients.map(({ echo }) => async () => {
    await echo(reserve);
    await echo(release);
  });
  return {
    rounds,
    close: async () => {
      for (const { connection } of clients) connection.close();
    },
  };
}

const ms = (value: number) => Math.round(value * 1000) / 1000;

export const leases: BenchModule = {
  title: 'Leases (3-port batch, lease + release) vs. a plain node-ipc echo of the same two round trips',
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'styxy-bench-'));
    const forget = removeOnAbort(home);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ types: { bench: { range: RANGE } } }));
    const echoPath = join(home, 'echo.sock');
    const stopCoordinator = await startCoordinator(home);
    const stopEcho = await startEcho(echoPath);
    const rows: BenchRow[] = [];
    try {
      for (const count of [1, 8, 64]) {
        const lease = await leaseClients(home, count);
        const echo = await echoClients(echoPath, count);
        const measuredLease = await closedLoop(lease.rounds);
        const measuredEcho = await closedLoop(echo.rounds);
        await lease.close();
        await echo.close();
        const label = `${count} client${count === 1 ? '' : 's'}, closed loop`;
        rows.push({
          name: `${label}: p50`,
          value: ms(measuredLease.p50),
          unit: 'ms',
          baseline: { name: 'echo p50', value: ms(measuredEcho.p50) },
          goal: count === 1 ? { text: '≤ 1 ms', met: measuredLease.p50 <= 1 } : null,
        });
        rows.push({
          name: `${label}: p99`,
          value: ms(measuredLease.p99),
          unit: 'ms',
          baseline: { name: 'echo p99', value: ms(measuredEcho.p99) },
          goal: null,
        });
        rows.push({
          name: `${label}: throughput`,
          value: Math.round(measuredLease.perSecond),
          unit: 'leases/s',
          baseline: { name: 'echo rounds/s', value: Math.round(measuredEcho.perSecond) },
          goal: count === 64 ? { text: '≥ 2000', met: measuredLease.perSecond >= 2000 } : null,
        });
      }
      const lease = await leaseClients(home, 64);
      const echo = await echoClients(echoPath, 64);
      const openLease = await openLoop(lease.rounds, OPEN_LOOP_RATE);
      const openEcho = await openLoop(echo.rounds, OPEN_LOOP_RATE);
      await lease.close();
      await echo.close();
      const label = `64 clients at ${OPEN_LOOP_RATE} leases/s`;
      rows.push({
        name: `${label}: p50`,
        value: ms(openLease.p50),
        unit: 'ms',
        baseline: { name: 'echo p50', value: ms(openEcho.p50) },
        goal: { text: '≤ 2 ms', met: openLease.p50 <= 2 },
      });
      rows.push({
        name: `${label}: p99`,
        value: ms(openLease.p99),
        unit: 'ms',
        baseline: { name: 'echo p99', value: ms(openEcho.p99) },
        goal: null,
      });
      rows.push({
        name: `${label}: achieved`,
        value: Math.round(openLease.perSecond),
        unit: 'leases/s',
        baseline: { name: 'echo rounds/s', value: Math.round(openEcho.perSecond) },
        // The offered rate, give or take the generator's own jitter: below it, the coordinator fell behind.
        goal: { text: `≥ ${0.97 * OPEN_LOOP_RATE}`, met: openLease.perSecond >= 0.97 * OPEN_LOOP_RATE },
      });
    } finally {
      await stopEcho();
      await stopCoordinator();
      rmSync(home, { recursive: true, force: true });
      forget();
    }
    return rows;
  },
};
