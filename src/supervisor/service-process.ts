/**
 * Spawns one service with `node:child_process` (not execa, which runs stop commands only: here it
 * stayed resident in every background supervisor, 3–5 MB of the 1.5× goal; docs/architecture.md,
 * "Dependencies"), in its own process
 * group (`detached`, so Ctrl-C in the terminal reaches Styxy only and Styxy stops the group), with
 * exactly its resolved environment, no shell, stdin an open pipe (or ignored with `stdin: 'null'`),
 * never killed on this process's exit (stopping is Styxy's job, in dependency order), stdout and
 * stderr real pipes (os/output-pipes.ts), not buffered but drained continuously into line
 * splitters, so a service never blocks on a full pipe.
 *
 * Write-ahead of the process report (docs/architecture.md, "The supervisor"): outside Windows the
 * process is spawned gated — `/bin/sh` waiting for one line on fd 3 before it `exec`s the
 * service's command — and `release()` lets it go once the coordinator has recorded its pid,
 * group and start time. A supervisor killed (`kill -9`) before that never lets it run: fd 3 reads
 * end-of-file and the gate exits, having started nothing. Without the gate, a service spawned
 * but not yet reported that drops STYXY_TAG (Redis overwrites its environment with its process
 * title) and does not listen yet was found by nothing the coordinator reaps with.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeOutputPipes, createOutputPipes } from '../os/output-pipes.js';
import { daemonFromPidFile, removeStalePidFile } from '../os/pid-file.js';
import { childStartTime, isSameProcess } from '../os/process-table.js';
import type { ProcessRecord } from '../os/stop-target.js';
import { findProgram } from './find-program.js';
import type { LaunchSpec } from './launch-spec.js';
import { LineSplitter } from './line-splitter.js';

/** How long an exit waits for the rest of the process's output. */
export const OUTPUT_GRACE_MS = 250;

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** What Styxy saw that the exit status does not say (a daemon's pid file, its process gone). */
  readonly note?: string;
}

export interface ServiceProcess {
  readonly record: ProcessRecord;
  /**
   * Settles when the process has exited and its output is read (or OUTPUT_GRACE_MS later); for
   * a daemon (`spec.daemon`), when the process its pid file names is gone.
   */
  readonly exit: Promise<ServiceExit>;
  /** Writes to its stdin (pipe or terminal); false when it has none or it is closed. */
  readonly write: (data: string) => boolean;
  /**
   * Lets the process run its command: until then it is a gate that has started nothing (see
   * above). Call it once the coordinator has recorded the process, or its report failed.
   */
  readonly release: () => void;
}

export interface SpawnHooks {
  readonly onLine: OutputListener;
  /** A daemon's process was found through its pid file (it is the service's process from now). */
  readonly onDaemon?: (record: ProcessRecord) => void;
}

export type SpawnResult =
  | { readonly ok: true; readonly process: ServiceProcess }
  | { readonly ok: false; readonly message: string };

export type OutputListener = (stream: 'stdout' | 'stderr', line: string) => void;

/**
 * How a gate runs `PWD FILE ARGS...` once released: with PWD as the service's environment had it
 * (`gatePwd`: `=value`, or `-` for none), not as `sh` set it at its start (to its folder), then
 * `exec` of FILE ARGS, so the service sees the environment and argv it would have seen ungated.
 */
export const GATE_RUN = 'case $1 in =*) PWD=${1#=}; export PWD;; *) unset PWD;; esac; shift; exec "$@"';

/** The PWD argument of GATE_RUN for `env`. */
export function gatePwd(env: Readonly<Record<string, string>>): string {
  return env.PWD === undefined ? '-' : `=${env.PWD}`;
}

/** `sh -c GATE styxy-gate PWD FILE ARGS...`: one line `go` on fd 3 runs FILE ARGS; end-of-file runs nothing. */
const GATE = `IFS= read -r styxy_gate <&3; exec 3<&-; [ "$styxy_gate" = go ] || exit 125; ${GATE_RUN}`;
const GATED = process.platform !== 'win32';

export async function spawnService(spec: LaunchSpec, hooks: SpawnHooks): Promise<SpawnResult> {
  const { onLine } = hooks;
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
    return { ok: false, message: `its folder ${spec.cwd} does not exist` };
  }
  if (spec.daemon) removeStalePidFile(spec.daemon.pidFile);
  // Behind the gate, a missing program would be the gate's exit 127: said as a spawn would say it.
  if (GATED && findProgram(spec.file, spec.env.PATH, spec.cwd) === null) {
    return { ok: false, message: `${spec.file}: command not found` };
  }
  // stdout and stderr are real pipes where they can be (os/output-pipes.ts: a flooding service
  // writes twice as fast into one as into Node's socketpair), else Node's own.
  const pipes = await createOutputPipes(2);
  let child: ChildProcess;
  try {
    const [file, args] = GATED
      ? ['/bin/sh', ['-c', GATE, 'styxy-gate', gatePwd(spec.env), spec.file, ...spec.args]]
      : [spec.file, spec.args];
    child = spawn(file, [...args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      // The write end stays open, never ended, for as long as this process lives: a watcher that
      // exits on EOF (`tailwindcss --watch`) stays up, and sees EOF only when the supervisor is gone.
      stdio: [
        spec.stdin === 'null' ? 'ignore' : 'pipe',
        pipes?.[0]?.writeFd ?? 'pipe',
        pipes?.[1]?.writeFd ?? 'pipe',
        ...(GATED ? (['pipe'] as const) : []),
      ],
      windowsHide: true,
    });
  } catch (error) {
    if (pipes) closeOutputPipes(pipes);
    // Arguments the OS cannot take (a NUL byte, an oversized environment) throw at once.
    return { ok: false, message: `${spec.file}: ${(error as Error).message}` };
  }
  // The child holds the write ends now (or never will, when its spawn failed): the read ends
  // see end-of-file once it and whatever it started have closed them.
  for (const pipe of pipes ?? []) closeSync(pipe.writeFd);
  const output: Record<'stdout' | 'stderr', Readable | null> = pipes
    ? {
        stdout: new Socket({ fd: pipes[0]!.readFd, readable: true, writable: false }),
        stderr: new Socket({ fd: pipes[1]!.readFd, readable: true, writable: false }),
      }
    : { stdout: child.stdout, stderr: child.stderr };
  // A failed spawn, or a signal sent to a process already reaped, is an 'error' event: never a crash.
  const spawnError = new Promise<NodeJS.ErrnoException>((resolve) => child.on('error', resolve));
  const pid = child.pid;
  if (pid === undefined) {
    output.stdout?.destroy();
    output.stderr?.destroy();
    const cause = await spawnError;
    const message = cause.code === 'ENOENT' ? `${spec.file}: command not found` : `${spec.file}: ${cause.message}`;
    return { ok: false, message };
  }
  // Read the start time now, while the process surely exists: it guards its group against pid reuse.
  // Read even from a zombie: a daemon's command may have forked and exited already.
  const record: ProcessRecord = { pid, pgid: pid, startTime: childStartTime(pid) };
  // A service that closes its stdin, or exits, makes writes fail with EPIPE: never a crash here.
  child.stdin?.on('error', () => {});
  const ended: Promise<void>[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    const splitter = new LineSplitter((line) => onLine(stream, line));
    const source = output[stream];
    if (!source) continue;
    // A read error ends the stream like end-of-file ('close' follows): never a crash.
    source.on('error', () => {});
    source.on('data', (chunk: Buffer) => splitter.push(chunk));
    ended.push(
      new Promise((resolve) => {
        source.once('close', () => {
          splitter.end();
          resolve();
        });
      }),
    );
  }
  // Report the exit after the last output (a crash's last words come before "exited with code
  // 1"), but not later than OUTPUT_GRACE_MS: a child it left behind may keep the pipes open.
  const launcherExit = new Promise<ServiceExit>((resolve) => {
    child.once('exit', (code, signal) => {
      const timer = setTimeout(() => resolve({ code, signal }), OUTPUT_GRACE_MS);
      void Promise.all(ended).then(() => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  });
  const stdin = child.stdin;
  const write = (data: string): boolean => {
    if (!stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(data);
    return true;
  };
  const exit = spec.daemon ? launcherExit.then((ended) => followDaemon(spec, record, ended, hooks)) : launcherExit;
  const gate = (child.stdio[3] as Socket | null | undefined) ?? null;
  // A gate that died meanwhile (a stop signalled its group) makes the write fail: never a crash.
  gate?.on('error', () => {});
  const release = () => {
    if (gate && !gate.destroyed && !gate.writableEnded) gate.end('go\n');
  };
  return { ok: true, process: { record, exit, write, release } };
}

/** How often a daemon's pid file and process are looked at. */
const DAEMON_POLL_MS = 100;

/**
 * After a daemon's command exited 0: waits (up to `daemon.timeoutMs`) for its pid file to name a
 * process that may be taken as the daemon (os/pid-file.ts), then until that process is gone.
 */
export async function followDaemon(
  spec: LaunchSpec,
  launcher: ProcessRecord,
  ended: ServiceExit,
  hooks: SpawnHooks,
): Promise<ServiceExit> {
  const { pidFile, timeoutMs } = spec.daemon!;
  if (ended.code !== 0) return ended;
  const deadline = Date.now() + timeoutMs;
  let daemon = daemonFromPidFile(pidFile, launcher.startTime);
  while (daemon === null) {
    if (Date.now() >= deadline) {
      return {
        code: null,
        signal: null,
        note: `its command exited 0 but ${pidFile} named no new process of ours within ${timeoutMs} ms`,
      };
    }
    await sleep(DAEMON_POLL_MS);
    daemon = daemonFromPidFile(pidFile, launcher.startTime);
  }
  hooks.onDaemon?.(daemon);
  while (isSameProcess(daemon.pid, daemon.startTime)) await sleep(DAEMON_POLL_MS * 2);
  return { code: null, signal: null, note: `its daemon (pid ${daemon.pid}, from ${pidFile}) is gone` };
}
