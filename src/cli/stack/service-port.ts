/**
 * One port of a running stack by service and port name (the service's first port when no name
 * is given), with errors that list what there is: for `styxy port` and the MCP `port` tool.
 */

import { referencedService } from '../../config/interpolate.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { stackPorts } from './stack-ports.js';

export function servicePort(stack: StackInfo, service: string, portName?: string): number {
  const ports = stackPorts(stack);
  const known = [...new Set([...stack.services.map((s) => s.name), ...Object.keys(ports)])];
  // `worker` of a replicated service is its first copy, as `${worker.PORT}` is.
  const own = ports[referencedService(service, Object.keys(ports)) ?? service];
  if (!own && !known.includes(service)) {
    throw new StyxyError('STYXY_UNKNOWN_SERVICE', `no service "${service}" in stack ${stack.project}/${stack.name}`, {
      hint: `its services: ${known.join(', ') || 'none'}`,
      details: { service, known },
    });
  }
  const names = Object.keys(own ?? {});
  const name = portName ?? names[0];
  const port = name === undefined ? undefined : own?.[name];
  if (port === undefined) {
    throw new StyxyError(
      'STYXY_UNKNOWN_PORT',
      names.length === 0 ? `service "${service}" has no ports` : `service "${service}" has no port "${portName}"`,
      {
        hint:
          names.length === 0
            ? 'give it one in the config: `ports: { PORT: <type> }`'
            : `its ports: ${names.join(', ')}`,
        details: { service, port: portName ?? null, known: names },
      },
    );
  }
  return port;
}
