/**
 * `${service.PORT_NAME}` references in commands, env values and probes. They are checked when
 * the config loads (`findReferences`) and filled in once the ports are leased (`interpolate`).
 * Anything else that looks like `${…}` (shell parameter expansion such as `${HOME}` or
 * `${PORT:-3000}`) is left alone for the shell.
 */

/** `${name.NAME}`: a service name (letters, digits, `_`, `-`), a dot, an env-var style port name. */
const REFERENCE = /\$\{([A-Za-z0-9][\w-]*)\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface PortReference {
  readonly service: string;
  readonly port: string;
  /** The text as written, e.g. `${api.PORT}`. */
  readonly text: string;
}

export function findReferences(template: string): PortReference[] {
  return [...template.matchAll(REFERENCE)].map((match) => ({
    service: match[1]!,
    port: match[2]!,
    text: match[0],
  }));
}

/** Leased ports of the stack: service → port name → port. */
export type StackPorts = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Replaces every reference with its port. Throws on a reference to an unknown service or port. */
export function interpolate(template: string, ports: StackPorts): string {
  return template.replace(REFERENCE, (text, service: string, port: string) => {
    const value = ports[service]?.[port];
    if (value === undefined) throw new Error(`${text} names no leased port (service "${service}", port "${port}")`);
    return String(value);
  });
}
