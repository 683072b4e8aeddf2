/**
 * Clients of scenario 3 that ask at the same instant: connects one coordinator client per batch
 * size given, prints "ready", waits for "go" on stdin, then every client reserves its batch at
 * once (ports of TYPE); prints one JSON line with each outcome (its ports, or its error's code,
 * message, hint and details). Holds what it got until stdin closes, then releases and exits.
 *
 * Usage: node --experimental-strip-types batch-client.ts TYPE SIZE[,SIZE...]
 */
import { connectCoordinator } from '../../dist/client/coordinator-client.js';

export interface BatchOutcome {
  readonly size: number;
  readonly pid: number;
  readonly ports?: number[];
  readonly error?: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

const [type, sizesText] = process.argv.slice(2) as [string, string];
const sizes = sizesText.split(',').map(Number);
const clients = await Promise.all(
  sizes.map(() => connectCoordinator({ kind: 'cli', autoStart: false, timeoutMs: 30_000 })),
);
process.stdin.setEncoding('utf8');
let input = '';
const go = new Promise<void>((resolve) => {
  process.stdin.on('data', (text: string) => {
    input += text;
    if (input.includes('go\n')) resolve();
  });
});
const ended = new Promise<void>((resolve) => process.stdin.once('end', resolve));
process.stdout.write('ready\n');
await Promise.race([go, ended]);

const outcomes: BatchOutcome[] = await Promise.all(
  clients.map(async (client, index) => {
    const size = sizes[index]!;
    const requests = Array.from({ length: size }, (_, i) => ({
      service: `batch-${process.pid}-${index}`,
      portName: `P${i}`,
      type,
      preferred: null,
      fixed: null,
    }));
    try {
      const leases = await client.reserve({ requests });
      return { size, pid: process.pid, ports: leases.map((lease) => lease.port) };
    } catch (error) {
      const { code, message, hint, details } = error as BatchOutcome['error'] & object;
      return { size, pid: process.pid, error: { code, message, hint, details } };
    }
  }),
);
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
await ended;
await Promise.all(
  clients.map(async (client) => {
    await client.release();
    await client.close();
  }),
);
process.exit(0);
