/**
 * Rival lease takers (stress/workers/rival.ts): booted ahead, told "go" the moment a coordinator
 * has been killed, so that their reservations race the live stacks' re-claims for the next
 * coordinator's first grants.
 */
import type { ChildProcess } from 'node:child_process';
import { pollUntil } from './clock.ts';
import { kill, spawnWorker } from './processes.ts';
import type { StressHome } from './stress-home.ts';

const RIVAL = new URL('../workers/rival.ts', import.meta.url).pathname;

export interface Rival {
  readonly pid: number;
  /** Its ports, once it has them. */
  ports(): number[] | null;
  output(): string;
  go(): void;
  /** Releases and exits (stdin closed), SIGKILL if it does not. */
  stop(): Promise<void>;
}

export function startRival(home: StressHome): Rival {
  const child: ChildProcess = spawnWorker(RIVAL, [], home.env);
  let output = '';
  let exited = false;
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  child.stdin!.on('error', () => {});
  child.once('exit', () => {
    exited = true;
  });
  return {
    pid: child.pid!,
    ports() {
      const line = output.split('\n').find((text) => text.startsWith('{"ports"'));
      return line ? (JSON.parse(line) as { ports: number[] }).ports : null;
    },
    output: () => output,
    go: () => child.stdin!.write('go\n'),
    async stop() {
      child.stdin!.end();
      if (!(await pollUntil(() => exited, 10_000))) kill(child.pid!, 'SIGKILL');
      await pollUntil(() => exited, 5000);
    },
  };
}
