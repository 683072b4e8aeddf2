/**
 * From a selection of services to what the stack needs before anything starts: one batch of port
 * requests, the leased ports by service, and each service's launch spec. Pure but for folder
 * checks (node_modules/.bin).
 */
import type { StackPorts } from '../config/interpolate.js';
import type { ResolvedService } from '../config/types.js';
import type { Lease, PortRequest } from '../protocol/coordinator-protocol.js';
import { buildLaunchSpec, type LaunchSpec } from './launch-spec.js';
import type { MachineService } from './machine-types.js';
import type { EnvContext } from './service-env.js';

/** Every port of every selected service, as one all-or-nothing batch. */
export function portRequests(services: readonly ResolvedService[]): PortRequest[] {
  return services.flatMap((service) =>
    Object.entries(service.ports).map(([portName, request]) => ({
      service: service.name,
      portName,
      type: request.type,
      preferred: request.preferred,
      fixed: request.fixed,
    })),
  );
}

/** service → port name → port, each service's ports in config order. */
export function portsFromLeases(services: readonly ResolvedService[], leases: readonly Lease[]): StackPorts {
  const leased = new Map(leases.map((lease) => [`${lease.service}\0${lease.portName}`, lease.port]));
  const ports: Record<string, Record<string, number>> = {};
  for (const service of services) {
    const own: Record<string, number> = {};
    for (const portName of Object.keys(service.ports)) {
      const port = leased.get(`${service.name}\0${portName}`);
      if (port !== undefined) own[portName] = port;
    }
    ports[service.name] = own;
  }
  return ports;
}

export function launchSpecs(services: readonly ResolvedService[], context: EnvContext): Map<string, LaunchSpec> {
  return new Map(services.map((service) => [service.name, buildLaunchSpec(service, context)]));
}

export function machineService(service: ResolvedService, ports: Readonly<Record<string, number>>): MachineService {
  return {
    name: service.name,
    dependsOn: service.dependsOn,
    restartsWith: service.restartsWith,
    checked: service.ready.kind !== 'started',
    restart: service.restart,
    healthFailures: service.health?.failures ?? null,
    stopSignal: service.stopSignal,
    stopTimeoutMs: service.stopTimeoutMs,
    input: service.tty ? 'tty' : service.stdin === 'null' ? 'none' : 'pipe',
    ports,
  };
}
