import { isStyxyError } from '../protocol/errors.js';
import { EXIT } from './exit-codes.js';

/**
 * The one place errors are printed. Known errors: `styxy: <message>` and the hint, no stack
 * trace. Unknown ones: with the stack (they are bugs). Returns the exit code.
 */
export function renderError(error: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (isStyxyError(error)) {
    stderr.write(`styxy: ${error.message}\n`);
    if (error.hint) stderr.write(`hint: ${error.hint}\n`);
    if (process.env.STYXY_DEBUG && error.cause !== undefined) stderr.write(`cause: ${formatCause(error.cause)}\n`);
    return error.exitCode;
  }
  stderr.write(`styxy: internal error: ${formatCause(error)}\n`);
  stderr.write('hint: this is a bug in Styxy; please report it with the output above\n');
  return EXIT.failure;
}

function formatCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? `${cause.name}: ${cause.message}`;
  return String(cause);
}
