/**
 * Typing into a service (the UI's input mode, `attach`'s over the control socket): the text goes
 * to the running process's stdin pipe or terminal as it is. The UI decides what a key sends (a
 * line for a pipe, keystrokes for a terminal); nothing is buffered here for a process to come.
 */
import { StyxyError } from '../protocol/errors.js';
import { statusOf } from './machine.js';
import type { MachineState } from './machine-types.js';
import { unknownServiceError } from './stack-errors.js';

export function writeInput(
  state: MachineState,
  service: string,
  data: string,
  write: (service: string, data: string) => boolean,
): void {
  const known = state.services[service];
  if (!known) throw unknownServiceError(service, state.order);
  if (known.spec.input === 'none') {
    throw new StyxyError('STYXY_BAD_REQUEST', `service "${service}" reads no input (its config has stdin: 'null')`, {
      hint: `remove stdin: 'null' from "${service}" in the config to type into it`,
    });
  }
  if (!write(service, data)) {
    throw new StyxyError(
      'STYXY_BAD_REQUEST',
      `service "${service}" is not running (${statusOf(known)}): nothing reads the input`,
      {
        hint: `start it first (s in the UI, or \`styxy start ${service}\`)`,
      },
    );
  }
}
