import { StyxyError } from '../protocol/errors.js';

/** For a command whose issue has not landed: a clear message and exit 2. */
export function notImplemented(command: string, issue: number): never {
  throw new StyxyError('STYXY_NOT_IMPLEMENTED', `\`styxy ${command}\` is not built yet`, {
    hint: `it lands with issue #${issue}`,
  });
}
