/**
 * Spawns a `tty: true` service under a pseudo-terminal (node-pty's forkpty). The child is a session
 * leader, so its pid is its process group, which Styxy stops as it stops a piped service's. Output
 * (stdout and stderr are one terminal) goes through the same line splitter as piped output, raw:
 * renderers strip control sequences as they do for every line. The terminal never sends EOF.
 */
import { constants } from 'node:os';
import { removeStalePidFile } from '../os/pid-file.js';
import { childStartTime } from '../os/process-table.js';
import type { ProcessRecord } from '../os/stop-target.js';
import { findProgram } from './find-program.js';
import type { LaunchSpec } from './launch-spec.js';
import { LineSplitter } from './line-splitter.js';
import { loadPty } from './load-pty.js';
import { followDaemon, type ServiceExit, type SpawnHooks, type SpawnResult } from './service-process.js';

/** The terminal's size: what a tool sees as its window (`process.stdout.columns`). */
export const PTY_COLUMNS = 120;
export const PTY_ROWS = 30;

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

export async function spawnPtyService(spec: LaunchSpec, hooks: SpawnHooks): Promise<SpawnResult> {
  const { onLine } = hooks;
  let pty: Awaited<ReturnType<typeof loadPty>>;
  try {
    pty = await loadPty();
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  // forkpty reports a program it cannot run only as output and exit 1: say it as a piped spawn does.
  if (findProgram(spec.file, spec.env.PATH, spec.cwd) === null) {
    return { ok: false, message: `${spec.file}: command not found` };
  }
  if (spec.daemon) removeStalePidFile(spec.daemon.pidFile);
  let terminal: ReturnType<typeof pty.spawn>;
  try {
    terminal = pty.spawn(spec.file, [...spec.args], {
      name: spec.env.TERM ?? 'xterm-256color',
      cols: PTY_COLUMNS,
      rows: PTY_ROWS,
      cwd: spec.cwd,
      env: spec.env,
    });
  } catch (error) {
    return { ok: false, message: (error as Error)?.message ?? String(error) };
  }
  const pid = terminal.pid;
  // Read even from a zombie: a daemon's command may have forked and exited already.
  const record: ProcessRecord = { pid, pgid: pid, startTime: childStartTime(pid) };
  // node-pty rethrows a terminal error other than EIO (a write after the service closed it) unless
  // someone else listens: never a crash of the supervisor. The exit still comes from the child.
  (terminal as unknown as { on(event: 'error', listener: () => void): void }).on('error', () => {});
  const splitter = new LineSplitter((line) => onLine('stdout', line));
  terminal.onData((data) => splitter.push(data));
  let open = true;
  // node-pty reports the exit once the terminal's output is read (or 200 ms later, when a child
  // it left behind holds the terminal): the last lines come first, as for a piped service.
  const launcherExit = new Promise<ServiceExit>((resolve) => {
    terminal.onExit(({ exitCode, signal }) => {
      open = false;
      splitter.end();
      resolve(
        signal
          ? { code: null, signal: SIGNAL_NAMES.get(signal) ?? `signal ${signal}` }
          : { code: exitCode, signal: null },
      );
    });
  });
  const write = (data: string): boolean => {
    if (!open) return false;
    try {
      terminal.write(data);
      return true;
    } catch {
      return false;
    }
  };
  // A daemon under a terminal (`tty` and `daemon` both) is followed as a piped one is.
  const exit = spec.daemon ? launcherExit.then((ended) => followDaemon(spec, record, ended, hooks)) : launcherExit;
  // Not gated (service-process.ts): forkpty gives the child no descriptor but the terminal, and a
  // gate reading it would echo. A tty service runs its command at once, as before the gate.
  return { ok: true, process: { record, exit, write, release: () => {} } };
}
