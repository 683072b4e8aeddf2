/**
 * Service names as Styxy accepts them (letters, digits, `-`, `_`; not digits only; unique once
 * upper-cased with `-` as `_`), made from the names other launchers allow.
 */
import { envName } from '../check-stack.js';

export interface ServiceName {
  readonly name: string;
  /** Why it differs from the name asked for (null when it does not). */
  readonly renamed: string | null;
}

/** Hands out valid, distinct names: `web.1` → `web-1`, `123` → `service-123`, a second `web_app` → `web_app-2`. */
export function serviceNamer(): (wanted: string) => ServiceName {
  const taken = new Map<string, string>();
  return (wanted) => {
    let base = wanted
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '');
    if (base === '') base = 'service';
    if (/^\d+$/.test(base)) base = `service-${base}`;
    let name = base;
    for (let n = 2; taken.has(envName(name)); n++) name = `${base}-${n}`;
    const clash = name === base ? undefined : taken.get(envName(base));
    taken.set(envName(name), name);
    if (name === wanted) return { name, renamed: null };
    const why = clash
      ? `"${clash}" has the same environment names (STYXY_${envName(base)}_…)`
      : 'a service name is letters, digits, - and _, not only digits';
    return { name, renamed: `renamed from "${wanted}": ${why}` };
  };
}
