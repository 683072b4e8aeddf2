/**
 * Spawns a `tty: true` service under a pseudo-terminal (node-pty's forkpty). The child is a session
 * leader, so its pid is its process group, which Styxy stops as it stops a piped service's. Output
 * (stdout and stderr are one terminal) goes through the same line splitter as piped output, raw:
 * renderers strip control sequences as they do for every line. The terminal never sends EOF.
 */
import { closeSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGateFifo, type GateFifo } from '../os/output-pipes.js';
import { removeStalePidFile } from '../os/pid-file.js';
import { childStartTime } from '../os/process-table.js';
import type { ProcessRecord } from '../os/stop-target.js';
import { findProgram } from './find-program.js';
import type { LaunchSpec } from './launch-spec.js';
import { LineSplitter } from './line-splitter.js';
import { loadPty } from './load-pty.js';
import {
  followDaemon,
  GATE_RUN,
  gatePwd,
  type ServiceExit,
  type SpawnHooks,
  type SpawnResult,
} from './service-process.js';

/** The terminal's size: what a tool sees as its window (`process.stdout.columns`). */
export const PTY_COLUMNS = 120;
export const PTY_ROWS = 30;

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/**
 * `sh -c TTY_GATE styxy-gate FIFO PWD FILE ARGS...`: the gate of service-process.ts, reading its
 * line from a FIFO, not the terminal (which would echo, and is the service's). It opens the FIFO
 * read-write first, which never blocks, then read-only, and keeps only that: then it reads the
 * supervisor's `go`, or end-of-file once the supervisor (the only writer) is gone, even one killed
 * before the gate ran.
 */
const TTY_GATE = `exec 3<>"$1" 4<"$1" 3<&-; IFS= read -r styxy_gate <&4; exec 4<&-; [ "$styxy_gate" = go ] || exit 125; shift; ${GATE_RUN}`;
const GATED = process.platform !== 'win32';
/** The longest a spawn waits for its gate to open the FIFO (a `sh` starting: about 1 ms). */
const GATE_OPEN_MS = 5000;

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
  // Where no FIFO can be made, the service runs its command at once, as before the gate.
  const fifo = GATED ? await createGateFifo() : null;
  // node-pty sets PWD to the folder it starts in: a tty service has always seen that one.
  const pwd = gatePwd({ ...spec.env, PWD: spec.cwd });
  const [file, args] = fifo
    ? ['/bin/sh', ['-c', TTY_GATE, 'styxy-gate', fifo.path, pwd, spec.file, ...spec.args]]
    : [spec.file, spec.args];
  let terminal: ReturnType<typeof pty.spawn>;
  try {
    terminal = pty.spawn(file, [...args], {
      name: spec.env.TERM ?? 'xterm-256color',
      cols: PTY_COLUMNS,
      rows: PTY_ROWS,
      cwd: spec.cwd,
      env: spec.env,
    });
  } catch (error) {
    if (fifo) closeGate(fifo);
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
      // Stopped at its gate: nothing will read the FIFO.
      if (fifo) closeGate(fifo);
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
  // Unlinked once both ends are open: from then on nobody else can open it, and nothing is left
  // on disk. The spawn waits for that (the gate's `sh` starting), so that a supervisor killed from
  // here on leaves no FIFO behind.
  if (fifo) {
    const deadline = Date.now() + GATE_OPEN_MS;
    while (open && !fifo.readerOpen() && Date.now() < deadline) await sleep(1);
    fifo.remove();
  }
  let released = false;
  const release = () => {
    if (!fifo || released) return;
    released = true;
    try {
      writeSync(fifo.writeFd, 'go\n');
    } catch {
      // The gate is gone already (its group was stopped): EPIPE.
    }
    closeGate(fifo);
  };
  return { ok: true, process: { record, exit, write, release } };
}

function closeGate(fifo: GateFifo): void {
  fifo.remove();
  try {
    closeSync(fifo.writeFd);
  } catch {
    // Closed already (released).
  }
}
