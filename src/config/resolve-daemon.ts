/**
 * `stop: { command, timeout }` (a command that stops the service, run before the stop signal)
 * and `daemon: { pidFile, timeout }` (for commands that exit once they have forked a server:
 * the service runs while the pid file's process lives).
 */
import { resolve } from 'node:path';
import { checkKeys } from './check-keys.js';
import { describeValue, isPlainObject } from './describe-value.js';
import type { FieldPath, Problems } from './problems.js';
import { resolveCommand } from './resolve-command.js';
import type { Template } from './resolve-ready.js';
import { DAEMON_KEYS, nonEmptyString, STOP_KEYS, stopTimeout } from './schema.js';
import type { ResolvedDaemon, ResolvedStop } from './types.js';
import { parseField } from './zod-problems.js';

/** How long a stop command may run before it is killed. */
export const DEFAULT_STOP_COMMAND_TIMEOUT_MS = 10_000;
/** How long after its command exited a daemon's pid file may take to name a live process. */
export const DEFAULT_DAEMON_TIMEOUT_MS = 10_000;

export function resolveStop(
  raw: unknown,
  path: FieldPath,
  problems: Problems,
  templates: Template[],
): ResolvedStop | null {
  if (raw === undefined) return null;
  if (typeof raw === 'string' || Array.isArray(raw)) raw = { command: raw };
  if (!isPlainObject(raw)) {
    problems.add(path, `expected { command, timeout } (a command that stops the service), found ${describeValue(raw)}`);
    return null;
  }
  checkKeys(raw, STOP_KEYS, path, problems);
  const command = resolveCommand(raw.command, [...path, 'command'], problems, templates);
  const timeoutMs = resolveMillis(raw.timeout, [...path, 'timeout'], problems, DEFAULT_STOP_COMMAND_TIMEOUT_MS);
  return { command, timeoutMs };
}

export function resolveDaemon(
  raw: unknown,
  path: FieldPath,
  cwd: string,
  problems: Problems,
  templates: Template[],
): ResolvedDaemon | null {
  if (raw === undefined || raw === false) return null;
  if (!isPlainObject(raw)) {
    problems.add(
      path,
      `expected { pidFile, timeout } (the file the daemon writes its pid to), found ${describeValue(raw)}`,
    );
    return null;
  }
  checkKeys(raw, DAEMON_KEYS, path, problems);
  const pidFile = parseField(
    nonEmptyString,
    raw.pidFile,
    [...path, 'pidFile'],
    problems,
    "a file name, relative to the service's folder",
  );
  if (pidFile !== undefined) templates.push({ path: [...path, 'pidFile'], text: pidFile });
  const timeoutMs = resolveMillis(raw.timeout, [...path, 'timeout'], problems, DEFAULT_DAEMON_TIMEOUT_MS);
  return { pidFile: resolve(cwd, pidFile ?? '.'), timeoutMs };
}

function resolveMillis(raw: unknown, path: FieldPath, problems: Problems, fallback: number): number {
  if (raw === undefined) return fallback;
  return parseField(stopTimeout, raw, path, problems, 'a whole number of milliseconds >= 0') ?? fallback;
}
