/** The ports of a running stack by service and port name: its leases, in config order where known. */
import type { StackPorts } from '../../config/interpolate.js';
import type { StackInfo } from '../../protocol/coordinator-protocol.js';

export function stackPorts(stack: StackInfo): StackPorts {
  const ports: Record<string, Record<string, number>> = {};
  // The pushed snapshots list each service's ports in config order; leases fill in the rest
  // (a stack that has not pushed its state yet).
  for (const service of stack.services) ports[service.name] = { ...service.ports };
  for (const lease of stack.leases) {
    ports[lease.service] ??= {};
    ports[lease.service]![lease.portName] ??= lease.port;
  }
  return ports;
}
