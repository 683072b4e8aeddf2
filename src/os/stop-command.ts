/**
 * Runs a service's stop command (`pg_ctl -D .data/pg stop`, `docker stop web`): with the
 * service's folder and environment, in a process group of its own, killed (the whole group)
 * when it overruns its timeout. Used by the supervisor before the stop signal, and by the
 * coordinator when it reaps a supervisor that died (a stop command registered with it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface StopCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export type StopCommandResult =
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: string | null }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'failed'; readonly message: string };

export function runStopCommand(
  command: StopCommand,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void = () => {},
): Promise<StopCommandResult> {
  if (!existsSync(command.cwd)) {
    return Promise.resolve({ kind: 'failed', message: `its folder ${command.cwd} does not exist` });
  }
  return new Promise((resolve) => {
    const child = spawn(command.file, [...command.args], {
      cwd: command.cwd,
      env: command.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, command.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => onOutput('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => onOutput('stderr', chunk));
    child.once('error', (error) => {
      clearTimeout(timer);
      const code = (error as NodeJS.ErrnoException).code;
      resolve({ kind: 'failed', message: code === 'ENOENT' ? `${command.file}: command not found` : error.message });
    });
    // `exit`, not `close`: something it left running may hold its output open.
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(timedOut ? { kind: 'timeout' } : { kind: 'exited', code, signal });
    });
  });
}

/** `exited with code 1`, `timed out after 10000 ms`, for log lines. */
export function describeStopCommandResult(result: StopCommandResult, timeoutMs: number): string {
  switch (result.kind) {
    case 'exited':
      return result.code !== null ? `exited with code ${result.code}` : `was killed by ${result.signal}`;
    case 'timeout':
      return `did not finish within ${timeoutMs} ms; killed`;
    case 'failed':
      return `could not run: ${result.message}`;
  }
}
