/**
 * Everything needed to run one service, fixed once its stack's ports are leased: the command
 * (with `${service.PORT}` filled in), its folder, its environment and its readiness probe.
 * Building every spec before anything starts means a bad reference or regex starts nothing.
 */
import type { StackPorts } from '../config/interpolate.js';
import { PORT_PLACEHOLDER } from '../config/port-flags.js';
import type { ResolvedCommand, ResolvedService, ResolvedWatch, StdinMode } from '../config/types.js';
import { StyxyError } from '../protocol/errors.js';
import { interpolateField } from './interpolate-field.js';
import { type EnvContext, serviceEnv } from './service-env.js';

export type ProbeSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'tcp'; readonly port: number; readonly timeoutMs: number; readonly intervalMs: number }
  | {
      readonly kind: 'http';
      readonly port: number;
      readonly path: string;
      readonly timeoutMs: number;
      readonly intervalMs: number;
    }
  | { readonly kind: 'log'; readonly pattern: RegExp; readonly timeoutMs: number; readonly intervalMs: number }
  | { readonly kind: 'command'; readonly command: string; readonly timeoutMs: number; readonly intervalMs: number };

/** Checks after ready: a probe of one attempt at a time, every `intervalMs` (config `health`). */
export type HealthSpec = Extract<ProbeSpec, { kind: 'tcp' | 'http' | 'command' }> & { readonly failures: number };

export interface LaunchSpec {
  readonly service: string;
  /** The program and its arguments (`sh -c <string>` for a shell string). */
  readonly file: string;
  readonly args: readonly string[];
  /** The command as the user wrote it, references filled in (for messages). */
  readonly display: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly probe: ProbeSpec;
  readonly health: HealthSpec | null;
  /** Files whose change restarts it (config `watch`; patterns relative to `cwd`). */
  readonly watch: ResolvedWatch | null;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeoutMs: number;
  /** `'pipe'`: an open pipe the supervisor holds (never ended); `'null'`: EOF at once. */
  readonly stdin: StdinMode;
  /** Runs under a pseudo-terminal (pty-process.ts) instead of pipes. */
  readonly tty: boolean;
  /** The stop command, run before the stop signal; null when there is none. */
  readonly stop: StopCommandSpec | null;
  /** The pid file of a command that daemonizes; null when the command is the service. */
  readonly daemon: { readonly pidFile: string; readonly timeoutMs: number } | null;
  /** The port flag added for a dev server that ignores PORT (`vite`, `--port 3001 --strictPort`); null: none. */
  readonly portFlag: { readonly tool: string; readonly added: string } | null;
  /** Its leased ports (to name what holds one when it fails to start). */
  readonly ports: readonly number[];
}

export interface StopCommandSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly display: string;
  readonly timeoutMs: number;
}

export function buildLaunchSpec(service: ResolvedService, context: EnvContext): LaunchSpec {
  const fill = (text: string, field: string) => interpolateField(text, context.ports, service.name, field);
  const flag = portFlagArgs(service, context.ports);
  const base = commandLine(service.command, 'command', service.name, fill);
  const main = execLast(flag ? { ...base, ...withArgs(base, flag.args) } : base);
  const stop = service.stop && commandLine(service.stop.command, 'stop.command', service.name, fill);
  return {
    service: service.name,
    ...main,
    cwd: service.cwd,
    env: service.tty ? { ...serviceEnv(service, context), TERM: ttyTerm(service) } : serviceEnv(service, context),
    probe: probeSpec(service, context.ports, fill),
    health: healthSpec(service, context.ports, fill),
    watch: service.watch,
    stopSignal: service.stopSignal,
    stopTimeoutMs: service.stopTimeoutMs,
    stdin: service.stdin,
    tty: service.tty,
    stop: stop && { ...stop, timeoutMs: service.stop!.timeoutMs },
    daemon: service.daemon && {
      pidFile: fill(service.daemon.pidFile, 'daemon.pidFile'),
      timeoutMs: service.daemon.timeoutMs,
    },
    portFlag: flag && { tool: flag.tool, added: flag.args.join(' ') },
    ports: Object.values(context.ports[service.name] ?? {}),
  };
}

/** The port flag's arguments with the service's first port in (config/port-flags.ts). */
function portFlagArgs(service: ResolvedService, ports: StackPorts): { tool: string; args: string[] } | null {
  const first = Object.keys(service.ports)[0];
  const port = first === undefined ? undefined : ports[service.name]?.[first];
  if (!service.portFlag || port === undefined) return null;
  const args = service.portFlag.args.map((arg) => arg.replaceAll(PORT_PLACEHOLDER, String(port)));
  return { tool: service.portFlag.tool, args };
}

/** Shell words that are no program `exec` could run. */
const NOT_PROGRAMS = new Set(
  'exit return export set unset cd . source eval exec trap wait read shift alias ulimit umask times readonly local if then else elif fi while until for do done case esac { } ! [[ : true false'.split(
    ' ',
  ),
);

/**
 * `sh -c 'vite --port 3001'` runs `exec vite --port 3001`: the shell becomes the server, so the
 * pid Styxy shows and signals is the server's, not a wrapper's (dash does not exec a last command
 * by itself). Only for one simple command: anything with `;`, `&`, `|`, parentheses, backquotes
 * or a newline, a first word that is a builtin or keyword, or a leading assignment, is left as
 * written.
 */
function execLast(line: { file: string; args: readonly string[]; display: string }): typeof line {
  const script = line.args[1];
  if (line.file !== 'sh' || line.args[0] !== '-c' || line.args.length !== 2 || script === undefined) return line;
  if (/[;&|()`\n]/.test(script)) return line;
  // A leading `FOO=1` would not reach a program run by `exec` in every sh: left as written.
  const first = script.trim().split(/\s+/)[0] ?? '';
  if (first === '' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first) || NOT_PROGRAMS.has(first)) return line;
  return { ...line, args: ['-c', `exec ${script.trim()}`] };
}

/** Appends `args` to a command line: to the argv, or to the shell string (its last step takes them). */
function withArgs(
  line: { file: string; args: readonly string[]; display: string },
  args: readonly string[],
): { args: readonly string[]; display: string } {
  const suffix = ` ${args.join(' ')}`;
  if (line.file === 'sh' && line.args[0] === '-c' && line.args.length === 2) {
    return { args: ['-c', `${line.args[1]}${suffix}`], display: `${line.display}${suffix}` };
  }
  return { args: [...line.args, ...args], display: `${line.display}${suffix}` };
}

function portOfService(service: ResolvedService, ports: StackPorts, field: string, name: string): number {
  const port = ports[service.name]?.[name];
  if (port === undefined) {
    const known = Object.keys(ports[service.name] ?? {});
    throw new StyxyError(
      'STYXY_CONFIG_INVALID',
      `service "${service.name}", ${field}: "${name}" is not one of its ports (${known.join(', ') || 'it has none'})`,
    );
  }
  return port;
}

function healthSpec(
  service: ResolvedService,
  ports: StackPorts,
  fill: (text: string, field: string) => string,
): HealthSpec | null {
  const check = service.health;
  if (check === null) return null;
  // Each check is one attempt: `timeoutMs` bounds it (the machine counts the misses).
  const timing = { timeoutMs: check.timeoutMs, intervalMs: check.intervalMs, failures: check.failures };
  switch (check.kind) {
    case 'port':
      return { kind: 'tcp', port: portOfService(service, ports, 'health.port', check.port), ...timing };
    case 'http': {
      const path = fill(check.path, 'health.http');
      const port = portOfService(service, ports, 'health.port', check.port);
      return { kind: 'http', port, path: path.startsWith('/') ? path : `/${path}`, ...timing };
    }
    case 'command':
      return { kind: 'command', command: fill(check.command, 'health.command'), ...timing };
  }
}

/**
 * A pty is no copy of the terminal Styxy runs in (a background stack has none), and its output is
 * drawn by Styxy's log pane: TERM names what the pty is, unless the service's own `env` says.
 */
function ttyTerm(service: ResolvedService): string {
  return service.env.TERM ?? 'xterm-256color';
}

/** `sh -c <string>` for a shell string, the list itself for an argv list; references filled in. */
function commandLine(
  command: ResolvedCommand,
  field: string,
  service: string,
  fill: (text: string, field: string) => string,
): { file: string; args: readonly string[]; display: string } {
  const argv =
    command.kind === 'shell'
      ? ['sh', '-c', fill(command.shell, field)]
      : command.argv.map((arg, index) => fill(arg, `${field}[${index}]`));
  if (argv.length === 0 || argv[0] === '') {
    throw new StyxyError('STYXY_CONFIG_INVALID', `service "${service}", ${field}: is empty`);
  }
  return { file: argv[0]!, args: argv.slice(1), display: command.kind === 'shell' ? argv[2]! : argv.join(' ') };
}

function probeSpec(
  service: ResolvedService,
  ports: StackPorts,
  fill: (text: string, field: string) => string,
): ProbeSpec {
  const check = service.ready;
  if (check.kind === 'started') return { kind: 'none' };
  const timing = { timeoutMs: check.timeoutMs, intervalMs: check.intervalMs };
  const portOf = (name: string) => portOfService(service, ports, 'ready.port', name);
  switch (check.kind) {
    case 'port':
      return { kind: 'tcp', port: portOf(check.port), ...timing };
    case 'http': {
      const path = fill(check.path, 'ready.http');
      return { kind: 'http', port: portOf(check.port), path: path.startsWith('/') ? path : `/${path}`, ...timing };
    }
    case 'log': {
      const source = fill(check.pattern, 'ready.log');
      try {
        // A global or sticky regex would remember where it stopped between lines.
        return { kind: 'log', pattern: new RegExp(source, check.flags.replace(/[gy]/g, '')), ...timing };
      } catch (error) {
        throw new StyxyError(
          'STYXY_CONFIG_INVALID',
          `service "${service.name}", ready.log: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    case 'command':
      return { kind: 'command', command: fill(check.command, 'ready.command'), ...timing };
  }
}
