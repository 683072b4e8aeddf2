/** Stacks of a stress run: started with `styxy up -d --json`, looked at from the outside. */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { findPortHolder } from '../../dist/os/port-holder.js';
import type { StackInfo } from '../../dist/protocol/coordinator-protocol.js';
import { type CliResult, describeResult, runCli } from './cli.ts';
import { withClient } from './coordinator.ts';
import type { StressHome } from './stress-home.ts';

export interface StartedStack {
  readonly dir: string;
  readonly id: string;
  /** The background supervisor's pid. */
  readonly pid: number;
  /** service → port name → port. */
  readonly ports: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** service → pid at start. */
  readonly servicePids: Readonly<Record<string, number | null>>;
}

interface PsDocument {
  readonly stack: { readonly id: string; readonly pid: number };
  readonly services: readonly { name: string; ports: Record<string, number>; pid: number | null }[];
}

/** `styxy up -d --json` in `dir`: the stack, or the CLI's result when it did not start. */
export async function upDetached(
  home: StressHome,
  dir: string,
  args: readonly string[] = [],
): Promise<{ ok: true; stack: StartedStack } | { ok: false; result: CliResult; why: string }> {
  const result = await runCli(['up', '-d', '--json', '--timeout', '90', ...args], {
    env: home.env,
    cwd: dir,
    timeoutMs: 180_000,
  });
  if (result.code !== 0) return { ok: false, result, why: `styxy up -d in ${dir}: ${describeResult(result)}` };
  const document = JSON.parse(result.stdout) as PsDocument;
  return {
    ok: true,
    stack: {
      dir,
      id: document.stack.id,
      pid: document.stack.pid,
      ports: Object.fromEntries(document.services.map((service) => [service.name, service.ports])),
      servicePids: Object.fromEntries(document.services.map((service) => [service.name, service.pid])),
    },
  };
}

/** Every port of the stack, ascending. */
export function stackPorts(stack: Pick<StartedStack, 'ports'>): number[] {
  return Object.values(stack.ports)
    .flatMap((ports) => Object.values(ports))
    .sort((a, b) => a - b);
}

export function listStacks(home: StressHome): Promise<readonly StackInfo[]> {
  return withClient(home, (client) => client.listStacks());
}

/**
 * A stack's run token, read where Styxy puts it: the STYXY_TAG of one of its services (the
 * coordinator never hands tokens out). '' when none of these pids runs.
 */
export function runTokenOf(pids: readonly (number | null)[]): string {
  for (const pid of pids) {
    if (!pid) continue;
    try {
      const tag = readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .find((entry) => entry.startsWith('STYXY_TAG='));
      if (tag) return tag.slice('STYXY_TAG='.length).split(':')[0] ?? '';
    } catch {}
  }
  return '';
}

/** The status code of `GET http://127.0.0.1:PORT/PATH`, or the error's code. */
export function httpGet(port: number, path = '/', timeoutMs = 10_000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** The STYXY_TAG of the process listening on `port` (null: no listener, or it has no tag). */
export async function listenerTag(port: number): Promise<{ pid: number; tag: string | null } | null> {
  const holder = await findPortHolder(port);
  if (!holder?.pid) return null;
  try {
    const environ = readFileSync(`/proc/${holder.pid}/environ`, 'utf8').split('\0');
    const entry = environ.find((line) => line.startsWith('STYXY_TAG='));
    return { pid: holder.pid, tag: entry ? entry.slice('STYXY_TAG='.length) : null };
  } catch {
    return null;
  }
}
