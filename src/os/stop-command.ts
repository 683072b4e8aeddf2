/**
 * Runs a service's stop command (`pg_ctl -D .data/pg stop`, `docker stop web`): with exactly the
 * service's folder and environment, in a process group of its own, killed (the whole group)
 * when it overruns its timeout. Used by the supervisor before the stop signal, and by the
 * coordinator when it reaps a supervisor that died (a stop command registered with it).
 *
 * With execa, loaded on the first stop command only: a stop command runs while a stack stops
 * (or is reaped), so execa is never resident in a running stack's supervisor, where it cost 3–5 MB
 * of the 1.5× memory goal (docs/architecture.md, "Dependencies"). Its errors are normalised
 * (`command not found`); the timeout is ours, because it must kill the command's whole group.
 */
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

export async function runStopCommand(
  command: StopCommand,
  onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void = () => {},
): Promise<StopCommandResult> {
  if (!existsSync(command.cwd)) return { kind: 'failed', message: `its folder ${command.cwd} does not exist` };
  let execa: typeof import('execa').execa;
  try {
    ({ execa } = await import('execa'));
  } catch (error) {
    // Never a rejection: the stop goes on to its signals. (A chunk of an older install, replaced
    // by an upgrade while this stack ran, can fail to load.)
    return { kind: 'failed', message: `execa did not load: ${(error as Error).message}` };
  }
  const subprocess = execa(command.file, [...command.args], {
    cwd: command.cwd,
    env: command.env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    windowsHide: true,
  });
  // The result settles once the output closes, which something the command left running may
  // hold open: the exit is read from the child itself, and the result only kept from rejecting.
  const result = subprocess.then(
    (settled) => settled,
    () => null,
  );
  const child = subprocess.nodeChildProcess;
  const pid = subprocess.pid;
  if (pid === undefined) {
    const cause = (await result)?.cause as NodeJS.ErrnoException | undefined;
    return {
      kind: 'failed',
      message: cause?.code === 'ENOENT' ? `${command.file}: command not found` : (cause?.message ?? 'spawn failed'),
    };
  }
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, command.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => onOutput('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => onOutput('stderr', chunk));
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
