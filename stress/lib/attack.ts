/**
 * Scenario 5's attack and its witnesses. Attackers (stress/workers/attacker.ts, their own
 * processes) write malformed traffic on the coordinator's socket and on a background stack's
 * control socket, while well-behaved peers keep using both: the churn clients (scenario 1), a
 * control client reading the stack's snapshot and logs and following its stream, and an HTTP
 * client calling the stack's services on their ports.
 */
import type { ChildProcess } from 'node:child_process';
import { type ControlClient, connectControl } from '../../dist/client/control-client.js';
import { CONTROL_PROTOCOL_VERSION } from '../../dist/protocol/control-protocol.js';
import { homePaths } from '../../dist/protocol/home.js';
import { PROTOCOL_VERSION } from '../../dist/protocol/version.js';
import { sleep } from './clock.ts';
import { kill, spawnWorker } from './processes.ts';
import type { Rng } from './rng.ts';
import { httpGet, type StartedStack } from './stacks.ts';
import type { StressHome } from './stress-home.ts';

const ATTACKER = new URL('../workers/attacker.ts', import.meta.url).pathname;

export interface Tally {
  readonly sessions: number;
  readonly bytes: number;
  readonly closedByServer: number;
  readonly errorReplies: number;
  readonly refusedConnections: number;
  readonly kinds: Record<string, number>;
}

export interface AttackOutcome {
  readonly coordinatorTallies: Tally[];
  readonly controlTallies: Tally[];
  /** Attackers that did not report (crashed). */
  readonly attackerProblems: string[];
  readonly control: { requests: number; events: number; errors: string[]; changes: string[] };
  readonly http: { requests: number; errors: string[] };
}

interface Attacker {
  readonly child: ChildProcess;
  readonly target: 'coordinator' | 'control';
  output: string;
  exited: Promise<number | null>;
}

function startAttacker(
  home: StressHome,
  socket: string,
  target: 'coordinator' | 'control',
  rng: Rng,
  concurrency: number,
): Attacker {
  const protocol = target === 'coordinator' ? PROTOCOL_VERSION : CONTROL_PROTOCOL_VERSION;
  const seed = String(Math.floor(rng.next() * 2 ** 32));
  const child = spawnWorker(ATTACKER, [socket, target, seed, String(concurrency), String(protocol)], home.env);
  const attacker: Attacker = {
    child,
    target,
    output: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    attacker.output += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    attacker.output += text;
  });
  child.stdin!.on('error', () => {});
  return attacker;
}

export class Attack {
  readonly #attackers: Attacker[];
  readonly #watchers: Promise<void>[] = [];
  #running = true;
  readonly #control = { requests: 0, events: 0, errors: [] as string[], changes: [] as string[] };
  readonly #http = { requests: 0, errors: [] as string[] };
  #controlClient: ControlClient | null = null;

  private constructor(attackers: Attacker[]) {
    this.#attackers = attackers;
  }

  /** Starts `perTarget` attackers on each socket and the well-behaved witnesses of the stack. */
  static async start(
    home: StressHome,
    stack: StartedStack,
    controlSocket: string,
    rng: Rng,
    perTarget: { coordinator: number; control: number; concurrency: number },
  ): Promise<Attack> {
    const coordinatorSocket = homePaths(home.home).socket;
    const attackers = [
      ...Array.from({ length: perTarget.coordinator }, () =>
        startAttacker(home, coordinatorSocket, 'coordinator', rng, perTarget.concurrency),
      ),
      ...Array.from({ length: perTarget.control }, () =>
        startAttacker(home, controlSocket, 'control', rng, perTarget.concurrency),
      ),
    ];
    const attack = new Attack(attackers);
    await attack.#watchControl(stack, controlSocket);
    attack.#watchHttp(stack);
    return attack;
  }

  async #watchControl(stack: StartedStack, socket: string): Promise<void> {
    const control = this.#control;
    const client = await connectControl(socket, { kind: 'stress', timeoutMs: 15_000 });
    this.#controlClient = client;
    client.onClose(() => {
      if (this.#running) control.errors.push('the control connection closed during the attack');
    });
    const subscription = await connectControl(socket, { kind: 'stress', timeoutMs: 15_000 });
    const stream = await subscription.subscribe({ logs: true });
    stream.listen(() => {
      control.events++;
    });
    subscription.onClose(() => {
      if (this.#running) control.errors.push('the subscription closed during the attack');
    });
    this.#watchers.push(
      (async () => {
        while (this.#running) {
          try {
            control.requests++;
            const snapshot = await client.snapshot();
            if (snapshot.stack.pid !== stack.pid)
              control.changes.push(`supervisor pid ${stack.pid} → ${snapshot.stack.pid}`);
            for (const service of snapshot.services) {
              const before = JSON.stringify(stack.ports[service.name] ?? {});
              const now = JSON.stringify(service.ports);
              if (before !== now) control.changes.push(`${service.name}'s ports ${before} → ${now}`);
            }
            control.requests++;
            await client.logs({ limit: 20 });
          } catch (error) {
            control.errors.push((error as Error).message);
          }
          await sleep(100);
        }
        subscription.close();
      })(),
    );
  }

  #watchHttp(stack: StartedStack): void {
    const http = this.#http;
    const targets = [
      { port: stack.ports.api?.PORT, path: '/health' },
      { port: stack.ports.web?.PORT, path: '/' },
    ].filter((target): target is { port: number; path: string } => target.port !== undefined);
    this.#watchers.push(
      (async () => {
        while (this.#running) {
          for (const { port, path } of targets) {
            http.requests++;
            const status = await httpGet(port, path);
            if (status !== 200) http.errors.push(`GET :${port}${path} → ${status}`);
          }
          await sleep(250);
        }
      })(),
    );
  }

  async stop(): Promise<AttackOutcome> {
    for (const attacker of this.#attackers) attacker.child.stdin!.end();
    const codes = await Promise.race([
      Promise.all(this.#attackers.map((attacker) => attacker.exited)),
      sleep(20_000).then(() => null),
    ]);
    this.#running = false;
    await Promise.all(this.#watchers);
    this.#controlClient?.close();
    const problems: string[] = [];
    const tallies = { coordinator: [] as Tally[], control: [] as Tally[] };
    for (const attacker of this.#attackers) {
      const line = attacker.output.trim().split('\n').at(-1) ?? '';
      try {
        tallies[attacker.target].push(JSON.parse(line) as Tally);
      } catch {
        problems.push(`an attacker of the ${attacker.target} socket did not report: ${attacker.output.slice(-300)}`);
      }
    }
    if (codes === null) {
      problems.push('attackers did not stop within 20 s');
      this.kill();
    }
    return {
      coordinatorTallies: tallies.coordinator,
      controlTallies: tallies.control,
      attackerProblems: problems,
      control: this.#control,
      http: this.#http,
    };
  }

  kill(): void {
    this.#running = false;
    for (const attacker of this.#attackers) kill(attacker.child.pid!, 'SIGKILL');
  }
}

/** Sums tallies. */
export function totalTally(tallies: readonly Tally[]): Tally {
  const total: Tally = { sessions: 0, bytes: 0, closedByServer: 0, errorReplies: 0, refusedConnections: 0, kinds: {} };
  const sum = total as { -readonly [K in keyof Tally]: Tally[K] };
  for (const tally of tallies) {
    sum.sessions += tally.sessions;
    sum.bytes += tally.bytes;
    sum.closedByServer += tally.closedByServer;
    sum.errorReplies += tally.errorReplies;
    sum.refusedConnections += tally.refusedConnections;
    for (const [kind, count] of Object.entries(tally.kinds)) sum.kinds[kind] = (sum.kinds[kind] ?? 0) + count;
  }
  return total;
}
