/**
 * The fleet of churn clients (stress/workers/churn-client.ts) of scenario 1: one process per
 * slot, SIGKILLed at random and respawned (a new incarnation, with its own records file), all
 * stopped cleanly at the end. Each kill is timed on the shared clock just before the signal.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClientRun, parseClientRecords } from './churn-records.ts';
import { monoMs, pollUntil, sleep } from './clock.ts';
import { kill, spawnWorker } from './processes.ts';
import type { Rng } from './rng.ts';
import type { Range, StressHome } from './stress-home.ts';

const CLIENT = new URL('../workers/churn-client.ts', import.meta.url).pathname;

interface Incarnation {
  readonly slot: number;
  readonly generation: number;
  readonly label: string;
  readonly file: string;
  readonly child: ChildProcess;
  ready: boolean;
  killedAt: number | null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  stderr: string;
}

export interface FleetOptions {
  readonly home: StressHome;
  readonly dir: string;
  readonly clients: number;
  readonly type: string;
  readonly range: Range;
  readonly rng: Rng;
}

export class ChurnFleet {
  readonly #options: FleetOptions;
  readonly #all: Incarnation[] = [];
  readonly #current: Incarnation[] = [];
  #stopping = false;
  /** Clients that exited by themselves (not killed, not asked to stop): a crash. */
  readonly crashes: string[] = [];

  constructor(options: FleetOptions) {
    this.#options = options;
    mkdirSync(options.dir, { recursive: true });
  }

  get kills(): number {
    return this.#all.filter((client) => client.killedAt !== null).length;
  }

  get incarnations(): number {
    return this.#all.length;
  }

  /** Starts every slot and resolves once each says it is connected (false when some never did). */
  async start(timeoutMs: number): Promise<boolean> {
    for (let slot = 0; slot < this.#options.clients; slot++) this.#spawn(slot, 0);
    return (await pollUntil(() => this.#current.every((client) => client.ready), timeoutMs)) !== null;
  }

  #spawn(slot: number, generation: number): void {
    const { home, dir, type, range, rng } = this.#options;
    const label = `client ${slot}#${generation}`;
    const file = join(dir, `${slot}-${generation}.log`);
    const seed = String(Math.floor(rng.next() * 2 ** 32));
    const child = spawnWorker(CLIENT, [file, seed, type, String(range[0]), String(range[1])], home.env);
    const client: Incarnation = {
      slot,
      generation,
      label,
      file,
      child,
      ready: false,
      killedAt: null,
      exit: null,
      stderr: '',
    };
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      if (text.includes('ready')) client.ready = true;
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      client.stderr = (client.stderr + text).slice(-4000);
    });
    child.stdin!.on('error', () => {});
    child.once('exit', (code, signal) => {
      client.exit = { code, signal };
      if (client.killedAt !== null || this.#stopping) return;
      this.crashes.push(
        `${label} exited by itself (${code ?? signal}): ${client.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
      if (!this.#stopping) this.#spawn(slot, generation + 1);
    });
    this.#all.push(client);
    this.#current[slot] = client;
  }

  /** SIGKILLs one random connected client and respawns its slot after `respawnMs`. */
  killOne(respawnMs: number): string | null {
    const candidates = this.#current.filter((client) => client.ready && client.exit === null);
    if (candidates.length === 0) return null;
    const victim = this.#options.rng.pick(candidates);
    victim.killedAt = monoMs();
    kill(victim.child.pid!, 'SIGKILL');
    setTimeout(() => {
      if (!this.#stopping) this.#spawn(victim.slot, victim.generation + 1);
    }, respawnMs);
    return victim.label;
  }

  /** Asks every client to stop (stdin closed) and waits; SIGKILLs and names those that do not. */
  async stop(timeoutMs: number): Promise<string[]> {
    this.#stopping = true;
    const live = this.#all.filter((client) => client.exit === null);
    for (const client of live) client.child.stdin!.end();
    await pollUntil(() => live.every((client) => client.exit !== null), timeoutMs);
    const stuck = live.filter((client) => client.exit === null);
    for (const client of stuck) {
      client.killedAt = monoMs();
      kill(client.child.pid!, 'SIGKILL');
    }
    await pollUntil(() => this.#all.every((client) => client.exit !== null), 5000);
    const unclean = live.filter((client) => client.exit !== null && client.killedAt === null && client.exit.code !== 0);
    return [
      ...stuck.map((client) => `${client.label} did not stop within ${timeoutMs / 1000} s of being asked`),
      ...unclean.map(
        (client) =>
          `${client.label} stopped with ${client.exit!.code ?? client.exit!.signal}: ${client.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      ),
    ];
  }

  /** Every incarnation's records. */
  runs(): ClientRun[] {
    return this.#all.map((client) =>
      parseClientRecords(
        existsSync(client.file) ? readFileSync(client.file, 'utf8') : '',
        client.label,
        client.killedAt,
      ),
    );
  }

  /** Kills whatever still runs (cleanup on failure). */
  killAll(): void {
    this.#stopping = true;
    for (const client of this.#all) if (client.exit === null) kill(client.child.pid!, 'SIGKILL');
  }
}

export { sleep };
