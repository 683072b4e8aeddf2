/**
 * A service's environment: its `.env` files (parsed with Node's own `util.parseEnv`, in order),
 * then `env`, later keys winning. Values become strings; `${service.PORT}` references stay as
 * templates for the supervisor to fill in.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { describeValue, isPlainObject } from './describe-value.js';
import { setOwn } from './own-key.js';
import type { FieldPath, Problems } from './problems.js';
import type { ResolveContext } from './resolve-context.js';
import type { Template } from './resolve-ready.js';
import { envFile as envFileSchema, envValue } from './schema.js';
import { parseField } from './zod-problems.js';

export interface ResolvedEnv {
  readonly env: Record<string, string>;
  readonly envFiles: string[];
}

/**
 * `portNames` (null when unknown) are the service's ports: setting one of them (or `PORT`) in
 * `env` would hide the leased port, so that is an error; in a `.env` file it is dropped.
 */
export function resolveEnv(
  rawEnv: unknown,
  rawEnvFile: unknown,
  portNames: readonly string[] | null,
  path: FieldPath,
  context: ResolveContext,
  problems: Problems,
  templates: Template[],
): ResolvedEnv {
  const env: Record<string, string> = {};
  const envFiles: string[] = [];
  const taken = new Set(portNames ?? []);
  if (portNames && portNames.length > 0) taken.add('PORT');

  const files = rawEnvFile === undefined ? [] : parseField(envFileSchema, rawEnvFile, [...path, 'envFile'], problems);
  const list = typeof files === 'string' ? [files] : (files ?? []);
  list.forEach((name, index) => {
    const at: FieldPath = typeof files === 'string' ? [...path, 'envFile'] : [...path, 'envFile', index];
    const file = resolve(context.root, name);
    const text = context.files.readText(file);
    if (text === undefined) {
      problems.add(at, `env file "${name}" not found (looked for ${file})`);
      return;
    }
    if (typeof text !== 'string') {
      problems.add(at, `env file "${name}" cannot be used: ${text.problem} (${file})`);
      return;
    }
    envFiles.push(file);
    for (const [key, value] of Object.entries(parseEnv(text))) {
      if (value === undefined) continue;
      // .env files are often shared with other tools and set PORT: the leased port wins.
      if (taken.has(key)) continue;
      const shown = isAbsolute(name) ? file : relative(context.root, file);
      if (!checkEnvKey(key, taken, at, problems, ` (set in ${shown})`)) continue;
      setOwn(env, key, value);
      templates.push({ path: at, text: value });
    }
  });

  if (rawEnv === undefined) return { env, envFiles };
  if (!isPlainObject(rawEnv)) {
    problems.add([...path, 'env'], `expected an object of NAME → value, found ${describeValue(rawEnv)}`);
    return { env, envFiles };
  }
  for (const [key, raw] of Object.entries(rawEnv)) {
    const at = [...path, 'env', key];
    if (!checkEnvKey(key, taken, at, problems, '')) continue;
    const value = parseField(envValue, raw, at, problems, 'a string, number or boolean');
    if (value === undefined) continue;
    setOwn(env, key, String(value));
    if (typeof value === 'string') templates.push({ path: at, text: value });
  }
  return { env, envFiles };
}

function checkEnvKey(
  key: string,
  taken: ReadonlySet<string>,
  path: FieldPath,
  problems: Problems,
  where: string,
): boolean {
  if (key === '' || key.includes('=') || key.includes('\0')) {
    problems.add(path, `expected an environment variable name (no "=" or NUL), found "${key}"${where}`);
    return false;
  }
  if (key.startsWith('STYXY_')) {
    problems.add(path, `${key}${where}: variables starting with STYXY_ are set by Styxy`);
    return false;
  }
  if (taken.has(key)) {
    problems.add(
      path,
      `${key}${where} would hide the leased port of the same name; use another name or a \${service.PORT} reference`,
    );
    return false;
  }
  return true;
}
