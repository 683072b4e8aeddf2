/** The built CLI, run as a user runs it: `node dist/cli/bin.js …args` in a folder, with a home. */
import { spawn } from 'node:child_process';

export const CLI = new URL('../../dist/cli/bin.js', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string; readonly timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `code`, then the last lines of stderr: for a violation's text. */
export function describeResult(result: CliResult): string {
  const tail = result.stderr.trim().split('\n').slice(-6).join(' | ');
  return `exit ${result.code ?? result.signal}${tail ? `: ${tail}` : ''}`;
}
