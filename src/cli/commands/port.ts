/**
 * `styxy port SERVICE [PORT_NAME]`: one port of this folder's running stack, as a bare number
 * (for scripts: `curl localhost:$(styxy port api)/health`). The service's first port unless a
 * port name is given; `worker` of a replicated service is its first copy (`worker#2` another).
 */
import { EXIT } from '../exit-codes.js';
import { type CurrentStackOptions, currentStack } from '../stack/current-stack.js';
import { servicePort } from '../stack/service-port.js';

export async function run(
  service: string,
  portName: string | undefined,
  options: CurrentStackOptions,
): Promise<number> {
  process.stdout.write(`${servicePort(await currentStack(options), service, portName)}\n`);
  return EXIT.ok;
}
