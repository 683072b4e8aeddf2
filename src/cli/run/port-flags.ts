/**
 * `styxy run -p NAME[:TYPE]`: each flag leases one port into env var NAME from TYPE's range
 * (default `dev`). No flag at all means `-p PORT:dev`.
 */
import { basename } from 'node:path';
import type { PortRequest } from '../../protocol/coordinator-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import { ENV_NAME } from '../../protocol/names.js';

export const DEFAULT_RUN_TYPE = 'dev';

/** The service name of a `styxy run` command: its program's file name (`vite`, `node`). */
export function serviceName(command: readonly string[]): string {
  return basename(command[0] ?? 'command') || 'command';
}

export function parsePortFlags(flags: readonly string[], service: string): PortRequest[] {
  const list = flags.length === 0 ? [`PORT:${DEFAULT_RUN_TYPE}`] : flags;
  const seen = new Set<string>();
  return list.map((flag) => {
    const colon = flag.indexOf(':');
    const name = colon < 0 ? flag : flag.slice(0, colon);
    const type = colon < 0 ? DEFAULT_RUN_TYPE : flag.slice(colon + 1);
    if (!ENV_NAME.test(name)) {
      throw new StyxyError('STYXY_USAGE', `-p ${flag}: "${name}" is not an environment variable name`, {
        hint: 'use NAME or NAME:TYPE, e.g. `-p PORT` or `-p API_PORT:api`',
      });
    }
    if (type.length === 0) {
      throw new StyxyError('STYXY_USAGE', `-p ${flag}: the type after ":" is empty`, {
        hint: 'run `styxy types` to list the types',
      });
    }
    if (seen.has(name)) throw new StyxyError('STYXY_USAGE', `-p ${name} is given twice`);
    seen.add(name);
    return { service, portName: name, type, preferred: null, fixed: null };
  });
}
