/**
 * A hostile peer of scenario 5: opens sessions on a Styxy socket (the coordinator's or a stack's
 * control socket) and writes malformed traffic (stress/lib/malformed.ts), CONCURRENCY sessions at
 * a time, until its stdin closes; then prints its tally as one JSON line.
 *
 * Usage: node --experimental-strip-types attacker.ts SOCKET TARGET SEED CONCURRENCY PROTOCOL
 */
import { connect } from 'node:net';
import { holdPidProof } from '../../dist/client/pid-proof.js';
import { homePaths } from '../../dist/protocol/home.js';
import { sleep } from '../lib/clock.ts';
import { type AttackPlan, helloFrame, nextPlan, type Target } from '../lib/malformed.ts';
import { createRng } from '../lib/rng.ts';

const [socketPath, target, seedText, concurrencyText, protocolText] = process.argv.slice(2) as [
  string,
  Target,
  string,
  string,
  string,
];
const rng = createRng(Number(seedText));
const protocol = Number(protocolText);
let stopping = false;
process.stdin.resume();
process.stdin.on('end', () => {
  stopping = true;
});

const tally = {
  sessions: 0,
  bytes: 0,
  closedByServer: 0,
  errorReplies: 0,
  refusedConnections: 0,
  kinds: {} as Record<string, number>,
};

/** A pid proof for a hello to the coordinator, as its clients give it (client/pid-proof.ts), released with the session. */
function pidProof(): { proof?: { name: string; fd: number } | undefined; release: () => void } {
  const home = process.env.STYXY_HOME;
  if (target !== 'coordinator' || !home) return { release: () => {} };
  return holdPidProof(homePaths(home));
}

function session(plan: AttackPlan): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ path: socketPath });
    const held = plan.hello ? pidProof() : { release: () => {} };
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) clearTimeout(timer);
      held.release();
      resolve();
    };
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      tally.errorReplies += data.toString('latin1').split('"ok":false').length - 1;
    });
    socket.on('end', () => {
      if (!ended) tally.closedByServer++;
    });
    socket.once('close', finish);
    socket.once('connect', () => {
      if (plan.paused) socket.pause();
      if (plan.hello) socket.write(helloFrame(target, protocol, process.pid, 'proof' in held ? held.proof : undefined));
      for (const write of plan.writes) {
        if (socket.destroyed) break;
        socket.write(write);
        tally.bytes += write.length;
      }
      switch (plan.ending.kind) {
        case 'end':
          ended = true;
          socket.end();
          timer = setTimeout(() => socket.destroy(), 3000);
          break;
        case 'destroy':
          setImmediate(() => socket.destroy());
          break;
        case 'linger':
          timer = setTimeout(() => socket.destroy(), plan.ending.ms);
          break;
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') tally.refusedConnections++;
    });
  });
}

async function worker(): Promise<void> {
  while (!stopping) {
    const plan = nextPlan(rng, { target, pid: process.pid, protocol });
    tally.sessions++;
    tally.kinds[plan.kind] = (tally.kinds[plan.kind] ?? 0) + 1;
    await session(plan);
    await sleep(rng.int(0, 20));
  }
}

await Promise.all(Array.from({ length: Number(concurrencyText) }, worker));
process.stdout.write(`${JSON.stringify(tally)}\n`);
process.exit(0);
