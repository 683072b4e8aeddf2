/**
 * Command readiness: `sh -c <command>` with the service's environment and folder exits 0. The
 * command runs in its own process group, killed (with whatever it started) when it overruns.
 */
import { spawn } from 'node:child_process';
import { signalGroup } from '../../os/stop-target.js';
import { type Attempt, errorReason, failed, PASSED } from './attempt.js';

export function commandAttempt(
  command: string,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string>> },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Attempt> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(failed('cancelled'));
    const child = spawn('sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-2000);
    });
    let settled = false;
    const settle = (result: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const kill = () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    const onAbort = () => {
      kill();
      settle(failed('cancelled'));
    };
    const timer = setTimeout(() => {
      kill();
      settle(failed(`\`${command}\` ran longer than ${timeoutMs} ms`));
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => settle(failed(errorReason(error))));
    // 'exit', not 'close': something the command left running may hold its stderr open.
    child.once('exit', (code, killedBy) => {
      kill(); // whatever it left behind in its group
      if (code === 0) return settle(PASSED);
      const last = stderr.trim().split('\n').pop();
      const how = code === null ? `was killed by ${killedBy}` : `exited with code ${code}`;
      settle(failed(`\`${command}\` ${how}${last ? `: ${last}` : ''}`));
    });
  });
}
