/**
 * A process-compose file (`process-compose.yaml`, as its docs and JSON schema describe it) into
 * Styxy services. What maps: `command` / `entrypoint`, `working_dir`, `environment` (and the
 * top-level one), `depends_on` conditions, `readiness_probe` (`exec`, `http_get`),
 * `ready_log_line`, `availability` (restart policy, backoff, max restarts) and `shutdown`
 * (signal, timeout). A `PORT=3000`-style variable becomes a leased port that prefers 3000, and
 * a probe on that port checks the leased one. What does not map is kept as a comment.
 */
import type { DependencyCondition, ReadyCheckInput, RestartOptions, RestartPolicy, ServiceConfig } from '../types.js';
import type { Draft, DraftService } from './draft.js';
import { guessNamedPortType, guessPortType, portVariables } from './port-guess.js';
import { serviceNamer } from './service-names.js';

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

const CONDITIONS: Record<string, DependencyCondition> = {
  process_started: 'started',
  process_healthy: 'ready',
  process_log_ready: 'ready',
  process_completed_successfully: 'completed',
  // Styxy's `completed` means exit 0: closest, and said in a comment.
  process_completed: 'completed',
};

const RESTARTS: Record<string, RestartPolicy> = {
  no: 'no',
  always: 'always',
  on_failure: 'on-failure',
  'on-failure': 'on-failure',
  exit_on_failure: 'no',
};

const SIGNALS: Record<number, NodeJS.Signals> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  12: 'SIGUSR2',
  15: 'SIGTERM',
};

/** Keys of a process this converter reads (whatever else a process has is listed as not mapped). */
const MAPPED = new Set([
  'command',
  'entrypoint',
  'working_dir',
  'environment',
  'depends_on',
  'readiness_probe',
  'ready_log_line',
  'availability',
  'shutdown',
  'disabled',
  'description',
]);

/** Top-level keys that only concern process-compose's own logging and UI. */
const OWN_SETTINGS = new Set([
  'version',
  'log_level',
  'log_length',
  'log_location',
  'log_configuration',
  'log_format',
  'is_tui_disabled',
]);

export function fromProcessCompose(document: unknown, source = 'process-compose.yaml'): Draft {
  if (!isDict(document) || !isDict(document.processes) || Object.keys(document.processes).length === 0) {
    throw new Error(`${source} has no processes (expected a "processes:" map)`);
  }
  const header = [
    `Styxy config written by \`styxy init\` from ${source}. Each process is a service; ports are`,
    "leased by Styxy (PORT=3000 became a port that prefers 3000). Options: Styxy's docs/configuration.md.",
  ];
  const globalEnv = environment(document.environment);
  if (Object.keys(globalEnv.values).length > 0) header.push("The top-level environment is in every service's env.");
  const shell = isDict(document.shell) ? text(document.shell.shell_command) : undefined;
  if (shell && shell !== 'sh')
    header.push(`process-compose ran the commands with ${shell}; Styxy runs a command string with sh -c.`);
  const ignored = Object.keys(document).filter((key) => !['processes', 'environment', 'shell'].includes(key));
  const unmapped = ignored.filter((key) => !OWN_SETTINGS.has(key));
  if (unmapped.length > 0)
    header.push(`Not mapped from the top level: ${unmapped.map((key) => describe(key, document[key])).join('; ')}.`);

  const name = serviceNamer();
  const processes = Object.entries(document.processes).filter((entry): entry is [string, Dict] => isDict(entry[1]));
  const named = new Map(processes.map(([original]) => [original, name(original)]));
  const skipped: [string, string][] = [];
  const kept = processes.filter(([original, process]) => {
    const why =
      process.disabled === true
        ? 'disabled: true in process-compose; `styxy up` starts every service'
        : commandOf(process) === undefined
          ? 'no command or entrypoint'
          : null;
    if (why) skipped.push([named.get(original)!.name, why]);
    return why === null;
  });
  // Dependencies can only name the services that are written.
  const names = new Map(kept.map(([original]) => [original, named.get(original)!.name]));
  const services = kept.map(([original, process]) =>
    convertProcess(names.get(original)!, named.get(original)!.renamed, process, globalEnv.values, names),
  );
  if (services.length === 0) throw new Error(`${source} has no process with a command Styxy could run`);
  return { source, header, services, skipped };
}

/** `command` (a shell string), else `entrypoint` (an argv list), else none. */
function commandOf(process: Dict): string | string[] | undefined {
  const shell = text(process.command);
  if (shell) return shell;
  const { entrypoint } = process;
  const argv = Array.isArray(entrypoint) && entrypoint.every((part) => typeof part === 'string') ? entrypoint : [];
  return argv.length > 0 ? (argv as string[]) : undefined;
}

function convertProcess(
  name: string,
  renamed: string | null,
  process: Dict,
  globalEnv: Record<string, string>,
  names: ReadonlyMap<string, string>,
): DraftService {
  const comments: string[] = [];
  const note = (line: string) => comments.push(line);
  if (renamed) note(renamed);
  const description = text(process.description);
  if (description) note(description);

  const command = commandOf(process)!;

  const local = environment(process.environment);
  const env: Record<string, string> = { ...globalEnv, ...local.values };
  for (const bad of local.bad) note(`environment entry not mapped (expected NAME=value): ${bad}`);

  // Ports: variables named *PORT with a number become leased ports preferring that number;
  // $PORT-style variables the command uses and nothing sets become leased ports too.
  const ports: Record<string, string | { type: string; preferred: number }> = {};
  const fixedPorts = new Map<number, string>();
  const mainType = guessPortType(name, typeof command === 'string' ? command : command.join(' '));
  const portType = () => (Object.keys(ports).length === 0 ? mainType : undefined);
  for (const [variable, value] of Object.entries(env)) {
    if (!/PORT$/.test(variable) || !/^\d{1,5}$/.test(value)) continue;
    const port = Number(value);
    if (port < 1 || port > 65535) continue;
    ports[variable] = { type: portType() ?? guessNamedPortType(variable, mainType), preferred: port };
    fixedPorts.set(port, variable);
    delete env[variable];
    note(`${variable}=${value} became a leased port that prefers ${value}`);
  }
  if (typeof command === 'string') {
    for (const variable of portVariables(command)) {
      if (variable in ports || variable in env) continue;
      ports[variable] = portType() ?? guessNamedPortType(variable, mainType);
    }
  }
  // A port named PORT must come first.
  const orderedPorts = 'PORT' in ports ? { PORT: ports.PORT!, ...ports } : ports;

  const config: ServiceConfig = { command };
  const cwd = text(process.working_dir);
  if (cwd) config.cwd = cwd;
  if (Object.keys(orderedPorts).length > 0) config.ports = orderedPorts;
  if (Object.keys(env).length > 0) config.env = env;

  const dependsOn = dependencies(process.depends_on, names, note);
  if (dependsOn) config.dependsOn = dependsOn;

  const ready = readiness(process, fixedPorts, orderedPorts, note);
  if (ready !== undefined) config.ready = ready;

  const restart = restartPolicy(process.availability, note);
  if (restart !== undefined) config.restart = restart;

  if (isDict(process.shutdown)) {
    const { signal, timeout_seconds, command: stopCommand, ...rest } = process.shutdown;
    if (typeof signal === 'number') {
      if (SIGNALS[signal]) config.stopSignal = SIGNALS[signal];
      else note(`shutdown.signal ${signal} not mapped (give stopSignal a name, e.g. 'SIGINT')`);
    }
    const seconds = count(timeout_seconds);
    if (seconds !== undefined) config.stopTimeout = seconds * 1000;
    if (stopCommand !== undefined)
      note(`shutdown.command not mapped (Styxy stops the service with its stopSignal): ${String(stopCommand)}`);
    for (const key of Object.keys(rest)) note(`shutdown.${describe(key, rest[key])} not mapped`);
  }
  if (isDict(process.liveness_probe)) {
    note('liveness_probe not mapped: Styxy checks readiness at start, then restarts on exit per `restart`');
  }
  for (const [key, value] of Object.entries(process)) {
    if (MAPPED.has(key) || key === 'liveness_probe' || isDefault(key, value)) continue;
    note(`${describe(key, value)} not mapped`);
  }
  return { name, config, comments };
}

function environment(value: unknown): { values: Record<string, string>; bad: string[] } {
  const values: Record<string, string> = {};
  const bad: string[] = [];
  if (Array.isArray(value)) {
    for (const entry of value) {
      const match = typeof entry === 'string' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry) : null;
      if (match) values[match[1]!] = match[2]!;
      else bad.push(String(entry));
    }
  } else if (isDict(value)) {
    for (const [name, item] of Object.entries(value)) values[name] = String(item);
  }
  return { values, bad };
}

function dependencies(
  value: unknown,
  names: ReadonlyMap<string, string>,
  note: (line: string) => void,
): Record<string, DependencyCondition> | undefined {
  if (!isDict(value)) return undefined;
  const result: Record<string, DependencyCondition> = {};
  for (const [original, spec] of Object.entries(value)) {
    const target = names.get(original);
    if (target === undefined) {
      note(`depends_on ${original}: no such process (or one left out); not a dependency here`);
      continue;
    }
    const condition = isDict(spec) ? String(spec.condition ?? 'process_started') : 'process_started';
    const mapped = CONDITIONS[condition];
    if (mapped === undefined) {
      note(`depends_on ${original}: condition ${condition} not known; waits until it is ready`);
      result[target] = 'ready';
      continue;
    }
    if (condition === 'process_completed')
      note(`depends_on ${original}: process_completed; Styxy's 'completed' needs exit 0`);
    result[target] = mapped;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function readiness(
  process: Dict,
  fixedPorts: ReadonlyMap<number, string>,
  ports: Readonly<Record<string, unknown>>,
  note: (line: string) => void,
): ReadyCheckInput | undefined {
  const logLine = text(process.ready_log_line);
  const probe = isDict(process.readiness_probe) ? process.readiness_probe : undefined;
  if (!probe) return logLine ? { log: escapeRegExp(logLine) } : undefined;
  if (logLine) note(`ready_log_line ${JSON.stringify(logLine)} not mapped: the readiness_probe is used`);
  const timing: { interval?: number; timeout?: number } = {};
  const period = count(probe.period_seconds);
  if (period !== undefined && period > 0) timing.interval = period * 1000;
  const leftOut = ['initial_delay_seconds', 'timeout_seconds', 'success_threshold', 'failure_threshold'].filter(
    (key) => probe[key] !== undefined,
  );
  if (leftOut.length > 0) {
    note(
      `readiness_probe ${leftOut.map((key) => `${key}: ${String(probe[key])}`).join(', ')} not mapped (Styxy's ready check gives up after its timeout, 30 s by default)`,
    );
  }
  if (isDict(probe.exec) && text(probe.exec.command)) {
    if (text(probe.exec.working_dir))
      note(
        `readiness_probe.exec.working_dir ${String(probe.exec.working_dir)} not mapped: the check runs in the service's folder`,
      );
    return { command: String(probe.exec.command), ...timing };
  }
  if (isDict(probe.http_get)) {
    const http = probe.http_get;
    const path = text(http.path) ?? '/';
    const number = Number(http.port ?? http.num_port);
    const portName = Number.isInteger(number) ? fixedPorts.get(number) : undefined;
    if (text(http.scheme)?.toLowerCase() === 'https')
      note('readiness_probe.http_get over https not mapped: Styxy checks over http');
    const host = text(http.host);
    if (host && !['127.0.0.1', 'localhost', '::1', '0.0.0.0'].includes(host))
      note(`readiness_probe.http_get.host ${host} not mapped: Styxy checks the service on this machine`);
    if (Object.keys(ports).length === 0) {
      note(
        `readiness_probe.http_get on port ${String(http.port ?? http.num_port)} not mapped: the service has no leased port (give it ports: { PORT: 'dev' } and ready: { http: '${path}' })`,
      );
      return timing.interval !== undefined ? timing : undefined;
    }
    if (portName === undefined && (http.port !== undefined || http.num_port !== undefined)) {
      note(
        `readiness_probe.http_get.port ${String(http.port ?? http.num_port)}: checked on the service's first leased port instead`,
      );
    }
    return portName === undefined || portName === Object.keys(ports)[0]
      ? { http: path, ...timing }
      : { http: path, port: portName, ...timing };
  }
  return timing.interval !== undefined ? timing : undefined;
}

function restartPolicy(value: unknown, note: (line: string) => void): ServiceConfig['restart'] {
  if (!isDict(value)) return undefined;
  const { restart, backoff_seconds, max_restarts, ...rest } = value;
  const named = typeof restart === 'string' ? RESTARTS[restart] : undefined;
  if (restart !== undefined && named === undefined)
    note(`availability.restart ${String(restart)} not known; not restarted`);
  if (restart === 'exit_on_failure')
    note(
      'availability.restart exit_on_failure: Styxy stops the stack when a service fails to start; after that it is not restarted',
    );
  for (const key of Object.keys(rest)) note(`availability.${describe(key, rest[key])} not mapped`);
  const policy = named ?? 'no';
  const backoff = count(backoff_seconds);
  const max = count(max_restarts);
  if (policy === 'no' || (backoff === undefined && max === undefined)) return named;
  const options: RestartOptions = { policy };
  if (max !== undefined && max > 0) options.maxRestarts = max;
  if (backoff !== undefined) options.backoff = backoff * 1000;
  return options;
}

/** A setting left at process-compose's default says nothing worth a comment. */
function isDefault(key: string, value: unknown): boolean {
  return value === false || value === null || (key === 'replicas' && value === 1);
}

function describe(key: string, value: unknown): string {
  const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `${key}: ${shown.length > 60 ? `${shown.slice(0, 57)}…` : shown}`;
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
