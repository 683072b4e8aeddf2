/**
 * `styxy config [--json] [-c FILE]`: validate the project config and print it resolved, services
 * in start order. An invalid config is reported by the CLI's error renderer (the readable block
 * of every problem on stderr, exit 1).
 */
import { relative } from 'node:path';
import { loadProjectConfig } from '../../config/load.js';
import type {
  ResolvedCommand,
  ResolvedConfig,
  ResolvedHealthCheck,
  ResolvedPortRequest,
  ResolvedReadyCheck,
  ResolvedRestart,
  ResolvedService,
  ServiceSources,
} from '../../config/types.js';
import { EXIT } from '../exit-codes.js';

export interface ConfigOptions {
  readonly config?: readonly string[];
  readonly json?: boolean;
}

export async function run(options: ConfigOptions): Promise<number> {
  const config = await loadProjectConfig({ cwd: process.cwd(), file: options.config });
  process.stdout.write(options.json ? `${JSON.stringify(configDocument(config), null, 2)}\n` : formatConfig(config));
  return EXIT.ok;
}

/**
 * The `styxy config --json` document (wire format: fields may be added, never renamed):
 * `{ name, root, file, layers, services: [{ name, command, cwd, dependsOn, ports, env, ready,
 * restart, …, sources: { values, removed } }] }`.
 */
export function configDocument(config: ResolvedConfig): object {
  return {
    name: config.name,
    root: config.root,
    file: config.file,
    layers: config.layers,
    services: config.services.map((service) => ({ ...service, sources: config.sources[service.name] })),
  };
}

export function formatConfig(config: ResolvedConfig): string {
  const count = config.services.length === 1 ? '1 service' : `${config.services.length} services`;
  const lines = [`${config.name}  (${config.file})`];
  if (config.layers.length > 1) {
    lines.push(`merged from ${config.layers.map((file) => relative(config.root, file) || file).join(', ')}`);
  }
  lines.push(`${count}, in start order`);
  for (const service of config.services) lines.push('', ...formatService(service, config));
  return `${lines.join('\n')}\n`;
}

function formatService(service: ResolvedService, config: ResolvedConfig): string[] {
  const { root } = config;
  const rows: [string, string][] = [];
  if (config.layers.length > 1) rows.push(['from', formatSources(config, config.sources[service.name])]);
  rows.push(['command', formatCommand(service.command)]);
  rows.push(['cwd', relative(root, service.cwd) || '.']);
  const ports = Object.entries(service.ports).map(([name, request]) => `${name}: ${formatRequest(request)}`);
  rows.push(['ports', ports.length > 0 ? ports.join(', ') : 'none']);
  const deps = Object.entries(service.dependsOn).map(([name, condition]) => `${name} (${condition})`);
  if (deps.length > 0) rows.push(['after', deps.join(', ')]);
  for (const file of service.envFiles) rows.push(['env file', relative(root, file)]);
  for (const [key, value] of Object.entries(service.env)) rows.push(['env', `${key}=${value}`]);
  rows.push(['ready', formatReady(service.ready)]);
  if (service.health) rows.push(['health', formatHealth(service.health)]);
  rows.push(['restart', formatRestart(service.restart)]);
  if (service.stdin === 'null') rows.push(['stdin', 'null (EOF at once)']);
  if (service.tty) rows.push(['tty', 'runs under a pseudo-terminal']);
  if (service.portFlag) {
    rows.push([
      'portFlag',
      `adds ${service.portFlag.args.join(' ')} (${service.portFlag.tool} ignores PORT; portFlag: false turns this off)`,
    ]);
  }
  if (service.daemon) {
    const pidFile = relative(root, service.daemon.pidFile) || service.daemon.pidFile;
    rows.push(['daemon', `runs while the process in ${pidFile} lives (found within ${ms(service.daemon.timeoutMs)})`]);
  }
  const signal = `${service.stopSignal}, then SIGKILL after ${ms(service.stopTimeoutMs)}`;
  const stop = service.stop;
  rows.push(['stop', stop ? `${formatCommand(stop.command)} (up to ${ms(stop.timeoutMs)}), then ${signal}` : signal]);
  return [service.name, ...rows.map(([label, value]) => `  ${label.padEnd(8)}  ${value}`)];
}

/**
 * Which files a service's values came from: the files in layer order, each later one with the
 * fields it set or removed (`styxy.config.ts, styxy.config.local.mjs (env.DEBUG; removed env.OLD)`).
 */
function formatSources(config: ResolvedConfig, sources: ServiceSources | undefined): string {
  const parts: string[] = [];
  config.layers.forEach((file, index) => {
    const set = Object.keys(sources?.values ?? {}).filter((path) => sources?.values[path] === file);
    const removed = Object.keys(sources?.removed ?? {}).filter((path) => sources?.removed[path] === file);
    if (set.length === 0 && removed.length === 0) return;
    const shown = relative(config.root, file) || file;
    const fields = [
      ...(set.length > 0 ? [set.join(', ')] : []),
      ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : []),
    ];
    parts.push(index === 0 ? shown : `${shown} (${fields.join('; ')})`);
  });
  return parts.length > 0 ? parts.join(', ') : relative(config.root, config.file);
}

function formatCommand(command: ResolvedCommand): string {
  return command.kind === 'shell' ? command.shell : command.argv.map(shellQuote).join(' ');
}

function formatRequest(request: ResolvedPortRequest): string {
  if (request.fixed !== null) return `fixed ${request.fixed}${request.type ? ` (${request.type})` : ''}`;
  return request.preferred === null ? `${request.type}` : `${request.type}, preferred ${request.preferred}`;
}

function formatReady(ready: ResolvedReadyCheck): string {
  switch (ready.kind) {
    case 'started':
      return 'once started';
    case 'port':
      return `TCP connect to ${ready.port}${timing(ready)}`;
    case 'http':
      return `HTTP GET ${ready.path} on ${ready.port} answers 2xx/3xx${timing(ready)}`;
    case 'log':
      return `output matches /${ready.pattern}/${ready.flags}${timing(ready)}`;
    case 'command':
      return `\`${ready.command}\` exits 0${timing(ready)}`;
  }
}

function formatHealth(health: ResolvedHealthCheck): string {
  const check =
    health.kind === 'port'
      ? `TCP connect to ${health.port}`
      : health.kind === 'http'
        ? `HTTP GET ${health.path} on ${health.port} answers 2xx/3xx`
        : `\`${health.command}\` exits 0`;
  return `${check} every ${ms(health.intervalMs)} (timeout ${ms(health.timeoutMs)}); unhealthy after ${health.failures} failures in a row`;
}

function timing(check: { timeoutMs: number; intervalMs: number }): string {
  return ` (every ${ms(check.intervalMs)}, timeout ${ms(check.timeoutMs)})`;
}

function formatRestart(restart: ResolvedRestart): string {
  if (restart.policy === 'no') return 'no';
  return `${restart.policy} (at most ${restart.maxRestarts} in a row, backoff ${ms(restart.backoffMs)} doubling to ${ms(restart.maxBackoffMs)})`;
}

function ms(value: number): string {
  return value >= 1000 && value % 100 === 0 ? `${value / 1000}s` : `${value}ms`;
}

/** As a POSIX shell would need it, for display: bare, else in double quotes when that needs no escapes. */
function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (!/["$`\\!]/.test(arg)) return `"${arg}"`;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
