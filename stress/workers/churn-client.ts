/**
 * A well-behaved client of scenario 1: leases batches of 1–3 ports of one type in a tight loop,
 * binds every port it holds (a port someone else also holds fails with EADDRINUSE), holds them
 * a moment, closes them and releases them; now and then it asks for a preferred or a fixed port,
 * or reconnects as a new owner. It records every step (stress/lib/churn-records.ts) and stops
 * cleanly (releasing everything) when its stdin closes.
 *
 * Usage: node --experimental-strip-types churn-client.ts RECORDS SEED TYPE FROM TO
 * (STYXY_HOME from the environment; runs dist/; never starts a coordinator).
 */
import { openSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { connectCoordinator } from '../../dist/client/coordinator-client.js';
import { monoMs, sleep } from '../lib/clock.ts';
import { createRng } from '../lib/rng.ts';

type Client = Awaited<ReturnType<typeof connectCoordinator>>;

const [recordsFile, seedText, type, fromText, toText] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const from = Number(fromText);
const to = Number(toText);
const rng = createRng(Number(seedText));
const fd = openSync(recordsFile, 'a');
const record = (kind: string, ...fields: (string | number)[]) =>
  writeSync(fd, `${kind} ${monoMs().toFixed(4)}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`);

let stopping = false;
process.stdin.resume();
process.stdin.on('end', () => {
  stopping = true;
});
process.stdin.on('error', () => {
  stopping = true;
});

async function connect(): Promise<Client> {
  const client = await connectCoordinator({ kind: 'cli', autoStart: false, timeoutMs: 30_000 });
  client.on('disconnected', () => record('D'));
  return client;
}

/** Listens on `port` on every address (a dual-stack `::` bind; `0.0.0.0` where there is no IPv6). */
function bind(port: number, host = '::'): Promise<Server | string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (host === '::' && (error.code === 'EAFNOSUPPORT' || error.code === 'EADDRNOTAVAIL')) {
        resolve(bind(port, '0.0.0.0'));
      } else resolve(error.code ?? 'error');
    });
    server.listen({ port, host, ipv6Only: false }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function requests() {
  const size = rng.int(1, 3);
  const service = `churn-${process.pid}`;
  if (size === 1 && rng.chance(0.05)) {
    const fixed = rng.int(from, Math.min(to, from + 200));
    return [{ service, portName: 'PORT', type, preferred: null, fixed }];
  }
  return Array.from({ length: size }, (_, i) => ({
    service,
    portName: `P${i}`,
    type,
    preferred: rng.chance(0.15) ? rng.int(from, to) : null,
    fixed: null,
  }));
}

const codeOf = (error: unknown) => (error as { code?: string }).code ?? 'ERROR';
const messageOf = (error: unknown) => ((error as Error).message ?? String(error)).replace(/\n/g, ' ');

let client = await connect();
record('S', process.pid, client.coordinatorPid);
process.stdout.write('ready\n');
let batches = 0;
while (!stopping) {
  const batch = requests();
  let ports: number[];
  try {
    ports = (await client.reserve({ requests: batch })).map((lease) => lease.port);
  } catch (error) {
    const code = codeOf(error);
    const fixed = batch[0]!.fixed !== null;
    if (fixed && code === 'STYXY_PORT_TAKEN' && /is held by/.test(messageOf(error))) record('F');
    else if (fixed && code === 'STYXY_PORT_TAKEN') record('B', messageOf(error));
    else {
      record('E', code, messageOf(error));
      await sleep(50);
    }
    continue;
  }
  record('A', ...ports);
  batches++;
  const servers: Server[] = [];
  for (const port of ports) {
    const bound = await bind(port);
    if (typeof bound === 'string') record('C', port, bound);
    else servers.push(bound);
  }
  await sleep(rng.chance(0.85) ? rng.int(0, 10) : rng.int(20, 200));
  await Promise.all(servers.map(close));
  record('R', ...ports);
  try {
    if (rng.chance(0.5)) await client.release(ports);
    else await client.release(); // everything this owner holds: the same ports
  } catch (error) {
    record('E', codeOf(error), `release: ${messageOf(error)}`);
  }
  if (rng.chance(0.01)) {
    // A new owner: this one holds nothing now, so closing it frees nothing.
    await client.close();
    client = await connect();
  }
}
await client.release();
await client.close();
record('Q', batches);
process.exit(0);
