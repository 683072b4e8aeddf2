/**
 * Turns an inline `StyxyConfig` into the `ResolvedConfig` the supervisor runs from, applying the
 * documented defaults, so supervisor tests read like the configs users write. A stand-in for the
 * config loader (issue 4): no validation beyond what the tests need. Services are put in start
 * order (dependencies first, ties in the order written).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  ReadyCheckInput,
  ResolvedConfig,
  ResolvedPortRequest,
  ResolvedReadyCheck,
  ResolvedService,
  ServiceConfig,
  StyxyConfig,
} from '../../src/config/types.js';

export function resolveTestConfig(root: string, config: StyxyConfig): ResolvedConfig {
  const services = Object.entries(config.services).map(([name, service]) => resolveService(root, name, service));
  return { name: config.name ?? 'test', root, file: join(root, 'styxy.config.ts'), services: startOrder(services) };
}

function resolveService(root: string, name: string, service: ServiceConfig): ResolvedService {
  const ports: Record<string, ResolvedPortRequest> = {};
  for (const [portName, spec] of Object.entries(service.ports ?? {})) {
    if (typeof spec === 'string') ports[portName] = { type: spec, preferred: null, fixed: null };
    else {
      const fixed = typeof spec.fixed === 'number' ? spec.fixed : spec.fixed ? (spec.port ?? null) : null;
      ports[portName] = {
        type: spec.type ?? null,
        preferred: fixed ? null : (spec.preferred ?? spec.port ?? null),
        fixed,
      };
    }
  }
  const envFiles = [service.envFile ?? []].flat().map((file) => resolve(root, file));
  const env: Record<string, string> = {};
  for (const file of envFiles) Object.assign(env, parseEnvFile(readFileSync(file, 'utf8')));
  for (const [key, value] of Object.entries(service.env ?? {})) env[key] = String(value);
  const dependsOn = Array.isArray(service.dependsOn)
    ? Object.fromEntries(service.dependsOn.map((dependency) => [dependency, 'ready' as const]))
    : (service.dependsOn ?? {});
  const restart =
    typeof service.restart === 'string' || service.restart === undefined
      ? { policy: service.restart ?? 'no' }
      : service.restart;
  return {
    name,
    command:
      typeof service.command === 'string'
        ? { kind: 'shell', shell: service.command }
        : { kind: 'argv', argv: service.command },
    cwd: resolve(root, service.cwd ?? '.'),
    ports,
    env,
    envFiles,
    dependsOn,
    ready: resolveReady(service.ready, Object.keys(ports)[0]),
    restart: {
      policy: restart.policy,
      maxRestarts: restart.maxRestarts ?? 5,
      backoffMs: restart.backoff ?? 500,
      maxBackoffMs: restart.maxBackoff ?? 10_000,
    },
    stopSignal: service.stopSignal ?? 'SIGTERM',
    stopTimeoutMs: service.stopTimeout ?? 5000,
  };
}

function resolveReady(ready: ReadyCheckInput | false | undefined, firstPort: string | undefined): ResolvedReadyCheck {
  if (ready === false || (ready === undefined && firstPort === undefined)) return { kind: 'started' };
  const timing = { timeoutMs: ready?.timeout ?? 30_000, intervalMs: ready?.interval ?? 250 };
  if (ready === undefined) return { kind: 'port', port: firstPort!, ...timing };
  if ('http' in ready) return { kind: 'http', path: ready.http, port: ready.port ?? firstPort!, ...timing };
  if ('port' in ready) return { kind: 'port', port: ready.port, ...timing };
  if ('log' in ready) {
    const pattern = ready.log instanceof RegExp ? ready.log : new RegExp(ready.log);
    return { kind: 'log', pattern: pattern.source, flags: pattern.flags, ...timing };
  }
  return { kind: 'command', command: ready.command, ...timing };
}

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) env[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

function startOrder(services: ResolvedService[]): ResolvedService[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const ordered: ResolvedService[] = [];
  const seen = new Set<string>();
  const visit = (service: ResolvedService) => {
    if (seen.has(service.name)) return;
    seen.add(service.name);
    for (const dependency of Object.keys(service.dependsOn)) {
      const found = byName.get(dependency);
      if (found) visit(found);
    }
    ordered.push(service);
  };
  for (const service of services) visit(service);
  return ordered;
}
