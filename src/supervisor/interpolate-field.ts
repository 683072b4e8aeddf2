import { interpolate, type StackPorts } from '../config/interpolate.js';
import { StyxyError } from '../protocol/errors.js';

/**
 * `interpolate` for one field of a service's config, turning an unknown reference into an error
 * that names the service, the field and what is leased.
 */
export function interpolateField(template: string, ports: StackPorts, service: string, field: string): string {
  try {
    return interpolate(template, ports);
  } catch (error) {
    const started = Object.keys(ports);
    throw new StyxyError(
      'STYXY_CONFIG_INVALID',
      `service "${service}", ${field}: ${(error as Error).message}; ports are leased for ${started.map((name) => `"${name}"`).join(', ') || 'no service'}`,
      {
        hint: 'a reference names a service of this stack and one of its ports: ${api.PORT}; start the service it names too',
        cause: error,
        details: { service, field },
      },
    );
  }
}
