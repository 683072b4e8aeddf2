/**
 * A config file that fails to load (a syntax error, an exception thrown while it runs, a missing
 * import) becomes one readable line naming the file, with line and column when the loader gives
 * them, and the loader's message; never a stack trace.
 */
import { relative, sep } from 'node:path';

export interface LoadFailure {
  /** `file:line:column` (relative to the current folder), or the file alone. */
  readonly where: string;
  readonly message: string;
}

const LOCATION = /((?:[A-Za-z]:)?[\\/][^\s:()'"]+):(\d+):(\d+)/;

/** A problem Styxy itself found while loading (no location: the stack would be ours). */
export class ConfigExportError extends Error {
  override readonly name = 'ConfigExportError';
}

/** `cwd` is where paths are shown from. */
export function describeLoadError(error: unknown, file: string, cwd: string): LoadFailure {
  const raw = error instanceof Error ? error.message : String(error);
  if (error instanceof ConfigExportError) return { where: show(file, cwd), message: raw };
  // A missing module's stack points into transformed code; its message names what is missing.
  const code = (error as { code?: unknown } | null)?.code;
  const useStack = error instanceof Error && code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND';
  const stack = useStack ? (error.stack ?? '') : '';
  const location = findLocation(raw, file) ?? findLocation(stack, file);
  const where = location ? `${show(location.file, cwd)}:${location.line}:${location.column}` : show(file, cwd);
  const lines = raw
    .split('\n')
    .map((line) => line.replace(LOCATION, '').trim())
    // Node's "Require stack:" list repeats the file; the location is already in `where`.
    .filter((line) => line !== '' && !line.startsWith('Require stack') && !line.startsWith('- '));
  let message = lines.join(' ').replace(/\s+/g, ' ').trim();
  // `Error: boom`, `TypeError: x is not a function`; a parse error already reads `ParseError: …`.
  if (error instanceof Error && !/^\w*Error:/.test(message)) message = `${error.name}: ${message}`;
  return { where, message: message || 'failed to load' };
}

interface Location {
  readonly file: string;
  readonly line: string;
  readonly column: string;
}

/** The first mention of `file`, else of a file outside node_modules (an imported module of the user's). */
function findLocation(text: string, file: string): Location | undefined {
  let fallback: Location | undefined;
  for (const line of text.split('\n')) {
    const match = LOCATION.exec(line);
    if (!match) continue;
    const found = { file: match[1]!, line: match[2]!, column: match[3]! };
    if (found.file === file) return found;
    if (fallback === undefined && !found.file.includes(`${sep}node_modules${sep}`)) fallback = found;
  }
  return fallback;
}

function show(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown === '' || shown.startsWith(`..${sep}..${sep}..`) ? file : shown;
}
