/** Processes of batch clients (stress/workers/batch-client.ts), released by one "go". */
import type { ChildProcess } from 'node:child_process';
import type { BatchOutcome } from '../workers/batch-client.ts';
import { pollUntil } from './clock.ts';
import { kill, spawnWorker } from './processes.ts';
import type { StressHome } from './stress-home.ts';

const WORKER = new URL('../workers/batch-client.ts', import.meta.url).pathname;

export type { BatchOutcome };

export class BatchClients {
  readonly #children: { child: ChildProcess; output: string; exited: boolean }[] = [];

  /** One process per entry of `processes`, each with one client per batch size it lists. */
  constructor(home: StressHome, type: string, processes: readonly (readonly number[])[]) {
    for (const sizes of processes) {
      const child = spawnWorker(WORKER, [type, sizes.join(',')], home.env);
      const entry = { child, output: '', exited: false };
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        entry.output += text;
      });
      child.stderr!.setEncoding('utf8').on('data', (text: string) => {
        entry.output += text;
      });
      child.stdin!.on('error', () => {});
      child.once('exit', () => {
        entry.exited = true;
      });
      this.#children.push(entry);
    }
  }

  /** Resolves once every client is connected; throws with the output of one that is not. */
  async ready(timeoutMs: number): Promise<void> {
    const ok = await pollUntil(() => this.#children.every((entry) => entry.output.startsWith('ready\n')), timeoutMs);
    if (!ok) {
      const late = this.#children.find((entry) => !entry.output.startsWith('ready\n'));
      throw new Error(`batch clients not ready in ${timeoutMs / 1000} s: ${late?.output.slice(-400)}`);
    }
  }

  /** Says "go" to all at once and collects every outcome. */
  async go(timeoutMs: number): Promise<BatchOutcome[]> {
    for (const entry of this.#children) entry.child.stdin!.write('go\n');
    const line = (entry: { output: string }) => entry.output.split('\n').find((text) => text.startsWith('['));
    const done = await pollUntil(() => this.#children.every((entry) => line(entry) !== undefined), timeoutMs);
    if (!done) throw new Error('batch clients did not all answer');
    return this.#children.flatMap((entry) => JSON.parse(line(entry)!) as BatchOutcome[]);
  }

  /** Releases and ends every client (stdin closed); kills those that do not end. */
  async stop(): Promise<void> {
    for (const entry of this.#children) entry.child.stdin!.end();
    await pollUntil(() => this.#children.every((entry) => entry.exited), 10_000);
    for (const entry of this.#children) if (!entry.exited) kill(entry.child.pid!, 'SIGKILL');
  }
}
