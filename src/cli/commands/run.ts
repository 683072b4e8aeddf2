/**
 * `styxy run [-p NAME[:TYPE]]... -- CMD...`: lease ports, run CMD (argv, no shell) with them in
 * its environment (`PORT` is the first; each NAME; STYXY_TAG), pass signals on, exit with CMD's
 * code (128 + n for signal n), give the ports back. The child is reported to the coordinator, so
 * that a `kill -9` of `styxy run` still gets it killed and its ports freed within a second.
 *
 * A port lost while the coordinator was away (it restarted without its state, and another client
 * was given the port before this one re-claimed it) cannot be handed back to a running command:
 * its environment names the port. So `styxy run` says which port went to whom, stops the
 * command (as it forwards a SIGTERM) and exits 1; two live owners never share a port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { connectCoordinator } from '../../client/coordinator-client.js';
import { newRunToken, TAG_VARIABLE, tagValue } from '../../os/tag.js';
import type { Lease } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { EXIT } from '../exit-codes.js';
import { forwardSignals } from '../run/forward-signals.js';
import { parsePortFlags, serviceName } from '../run/port-flags.js';

export interface RunOptions {
  readonly port?: readonly string[];
}

type Exit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** After a lost port: SIGTERM, then this long before SIGKILL. */
const STOP_GRACE_MS = 5000;

export async function run(command: readonly string[], options: RunOptions): Promise<number> {
  if (command.length === 0) {
    throw new StyxyError('STYXY_USAGE', 'no command to run', { hint: 'styxy run -p PORT -- <command> [args…]' });
  }
  const service = serviceName(command);
  const requests = parsePortFlags(options.port ?? [], service);
  // Pipelined: the reserve goes right behind the hello.
  const client = await connectCoordinator({ kind: 'run', pipelined: true });
  const lost = new Promise<{ lostPorts: readonly LostPort[] }>((resolve) => {
    client.on('reclaimFailed', (error) => {
      const lostPorts = (error as { details?: { lostPorts?: LostPort[] } }).details?.lostPorts ?? [];
      if (lostPorts.length > 0) resolve({ lostPorts });
    });
  });
  try {
    const token = newRunToken();
    const leases = await client.reserve({ requests, runToken: token });
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(leases[0]!.port) };
    for (const lease of leases) env[lease.portName] = String(lease.port);
    env[TAG_VARIABLE] = tagValue(token, service);

    // See forward-signals.ts: interactive commands stay in our group (the terminal's foreground).
    const ownGroup = !process.stdin.isTTY;
    const forwarding = forwardSignals(ownGroup);
    try {
      const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env, detached: ownGroup });
      forwarding.attach(child);
      const exit = await started(child, command[0]!);
      if (exit === null) {
        const pid = child.pid!;
        // Never our own group when the child shares it: pgid 0 = "kill the pid and its tag only".
        await client.reportProcess({ stackId: null, service, pid, pgid: ownGroup ? pid : 0, runToken: token });
        const ended = exited(child);
        const outcome = await Promise.race([ended, lost]);
        if ('lostPorts' in outcome) {
          process.stderr.write(`${describeLoss(outcome.lostPorts, leases, command[0]!)}\n`);
          await stopChild(child, ownGroup, ended);
          await client.reportExit({ stackId: null, service, pid });
          return EXIT.failure;
        }
        const { code, signal } = outcome;
        await client.reportExit({ stackId: null, service, pid });
        return code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      }
      return exit.code ?? 1;
    } finally {
      forwarding.stop();
    }
  } finally {
    await client.release().catch(() => {});
    await client.close();
  }
}

interface LostPort {
  readonly port: number;
  readonly holder: { readonly stack?: string; readonly project?: string; readonly pid?: number };
}

/** `styxy: lost port 3001 (PORT) to stack shop/default (pid 4121) …`. */
function describeLoss(lostPorts: readonly LostPort[], leases: readonly Lease[], program: string): string {
  const names = new Map(leases.map((lease) => [lease.port, lease.portName]));
  const ports = lostPorts.map(({ port, holder }) => {
    const who =
      holder.pid === undefined
        ? 'another client'
        : holder.stack === 'run'
          ? `\`styxy run\` (pid ${holder.pid})`
          : `stack ${holder.project}/${holder.stack} (pid ${holder.pid})`;
    return `port ${port} (${names.get(port) ?? '?'}) to ${who}`;
  });
  return (
    `styxy: lost ${ports.join(', ')} while the coordinator restarted; stopping ${program}, whose environment names it\n` +
    'hint: run the command again to get a free port (`styxy ls` shows who holds which)'
  );
}

/** Stops the command as a forwarded SIGTERM would (its group when it has one), SIGKILL after a grace. */
async function stopChild(child: ChildProcess, ownGroup: boolean, ended: Promise<Exit>): Promise<void> {
  const pid = child.pid!;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(ownGroup ? -pid : pid, signal);
    } catch {}
  };
  send('SIGTERM');
  const timer = setTimeout(() => send('SIGKILL'), STOP_GRACE_MS);
  await ended;
  clearTimeout(timer);
}

/** Resolves null once spawned, or the exit to report when CMD could not be started. */
function started(child: ChildProcess, program: string): Promise<Exit | null> {
  return new Promise((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        process.stderr.write(`styxy: ${program}: command not found\n`);
        resolve({ code: 127, signal: null });
      } else {
        process.stderr.write(`styxy: cannot run ${program}: ${error.message}\n`);
        resolve({ code: 126, signal: null });
      }
    });
  });
}

function exited(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
