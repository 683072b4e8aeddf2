/**
 * `${service.PORT_NAME}` references in commands, env values and probes. They are checked when
 * the config loads (`findReferences`) and filled in once the ports are leased (`interpolate`).
 * Anything else that looks like `${…}` (shell parameter expansion such as `${HOME}` or
 * `${PORT:-3000}`) is left alone for the shell.
 */

/**
 * `${name.NAME}`: a service name (letters, digits, `_`, `-`), optionally a replica (`#2`), a dot,
 * an env-var style port name.
 */
const REFERENCE = /\$\{([A-Za-z0-9][\w-]*(?:#\d+)?)\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

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

/**
 * The service a reference names among `services` (the stack's names): itself, else for a
 * replicated service (`worker`, run as `worker#1`…) its first replica, and for `worker#1` of a
 * service that runs one copy, the service. Undefined when there is none.
 */
export function referencedService(name: string, services: readonly string[]): string | undefined {
  if (services.includes(name)) return name;
  if (services.includes(`${name}#1`)) return `${name}#1`;
  const single = name.endsWith('#1') ? name.slice(0, -2) : undefined;
  return single !== undefined && services.includes(single) ? single : undefined;
}

/** Replaces every reference with its port. Throws on a reference to an unknown service or port. */
export function interpolate(template: string, ports: StackPorts): string {
  const names = Object.keys(ports);
  return template.replace(REFERENCE, (text, service: string, port: string) => {
    const value = ports[referencedService(service, names) ?? service]?.[port];
    if (value === undefined) throw new Error(`${text} names no leased port (service "${service}", port "${port}")`);
    return String(value);
  });
}
