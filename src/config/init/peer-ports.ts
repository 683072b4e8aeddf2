/**
 * Launchers without port allocation pass ports around by convention: a worker reads `$API_PORT`
 * to reach the api. Under Styxy that is `${api.PORT}`, the api's leased port, so a command's
 * `$<SERVICE>_PORT` naming another service that has a port becomes a reference to it, not a
 * port of its own.
 */
import { envName } from '../check-stack.js';
import { portVariables } from './port-guess.js';

export interface NamedCommand {
  readonly name: string;
  readonly command: string;
}

/**
 * Each command with `$API_PORT` / `${API_PORT}` of another service "api" (one with a port)
 * replaced by `${api.PORT}`. `ported`: services that get a port whatever their command says.
 */
export function linkPeerPorts(services: readonly NamedCommand[], ported: ReadonlySet<string> = new Set()): string[] {
  const byVariable = new Map(services.map(({ name }) => [`${envName(name)}_PORT`, name]));
  const peerOf = (variable: string, self: string) => {
    const peer = byVariable.get(variable);
    return peer === self ? undefined : peer;
  };
  // A service has a port of its own when its command uses a port variable that names no peer.
  const withPorts = new Set(
    services
      .filter(
        ({ name, command }) =>
          ported.has(name) || portVariables(command).some((variable) => peerOf(variable, name) === undefined),
      )
      .map(({ name }) => name),
  );
  return services.map(({ name, command }) =>
    command.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*_PORT)\}|\$([A-Za-z_][A-Za-z0-9_]*_PORT)\b/g, (whole, braced, bare) => {
      const peer = peerOf(braced ?? bare, name);
      return peer !== undefined && withPorts.has(peer) ? `\${${peer}.PORT}` : whole;
    }),
  );
}
