/**
 * `styxy port SERVICE [PORT_NAME]`: one port of this folder's running stack, as a bare number
 * (for scripts: `curl localhost:$(styxy port api)/health`). The service's first port unless a
 * port name is given.
 */
import { StyxyError } from '../../protocol/errors.js';
import { EXIT } from '../exit-codes.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { stackPorts } from '../stack/stack-ports.js';

export async function run(
  service: string,
  portName: string | undefined,
  options: CurrentStackOptions,
): Promise<number> {
  const stack = await currentStack(options);
  const ports = stackPorts(stack);
  const known = [...new Set([...stack.services.map((s) => s.name), ...Object.keys(ports)])];
  const own = ports[service];
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
  process.stdout.write(`${port}\n`);
  return EXIT.ok;
}
