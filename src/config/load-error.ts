/**
 * A config file that fails to load (a syntax error, an exception thrown while it runs, a missing
 * import) becomes one readable line naming the file, with line and column when the loader gives
 * them, and the loader's message; never a stack trace.
 */
import { dirname, sep } from 'node:path';
import { packageFile } from '../protocol/package-root.js';
import { displayPath } from './problems.js';

export interface LoadFailure {
  /** `file:line:column` (relative to the current folder), or the file alone. */
  readonly where: string;
  readonly message: string;
}

const LOCATION = /((?:[A-Za-z]:)?[\\/][^\s:()'"]+):(\d+):(\d+)/;
/** Styxy's own code: a location there says nothing about the user's file. */
const OWN_CODE = ['src/', 'dist/'].map(packageFile);
/** Lines of a code frame (`  3 | a: [`, `-----^`), which YAML errors carry. */
const CODE_FRAME = /^(\s*\d+ \|.*|-*\^)$/;

/** A problem Styxy itself found while loading (no location: the stack would be ours). */
export class ConfigExportError extends Error {
  override readonly name = 'ConfigExportError';
}

/** `cwd` is where paths are shown from. */
export function describeLoadError(error: unknown, file: string, cwd: string): LoadFailure {
  const raw = error instanceof Error ? error.message : String(error);
  if (error instanceof ConfigExportError) return { where: displayPath(file, cwd), message: raw };
  // The stack tells where a JS/TS config threw; it says nothing for JSON and YAML (only our
  // callers' frames), and a missing module's stack points into transformed code.
  const code = (error as { code?: unknown } | null)?.code;
  const isModule = /\.[cm]?[jt]s$/.test(file);
  const useStack = isModule && error instanceof Error && code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND';
  const stack = useStack ? (error.stack ?? '') : '';
  const location = findLocation(raw, file) ?? (isModule ? findLocation(stack, file) : yamlLocation(raw, file));
  const where = location
    ? `${displayPath(location.file, cwd)}:${location.line}:${location.column}`
    : displayPath(file, cwd);
  const lines = raw
    .split('\n')
    .filter((line) => !CODE_FRAME.test(line))
    .map((line) => line.replace(LOCATION, '').trim())
    // Node's "Require stack:" list repeats the file; the location is already in `where`.
    .filter((line) => line !== '' && !line.startsWith('Require stack') && !line.startsWith('- '));
  let message = lines
    .join(' ')
    // cosmiconfig's JSON and YAML loaders prefix the path, which `where` already gives.
    .replace(/^(?:JSON|YAML) Error in [^\n]*?: /, '')
    .replace(/\s+/g, ' ')
    .trim();
  // `Error: boom`, `TypeError: x is not a function`; a parse error already reads `ParseError: …`.
  if (error instanceof Error && !/^\w*Error:/.test(message)) message = `${error.name}: ${message}`;
  return { where, message: message || 'failed to load' };
}

interface Location {
  readonly file: string;
  readonly line: string;
  readonly column: string;
}

/**
 * The first mention of `file`, else of another file in its folder tree (a module the config
 * imports), outside node_modules and Styxy's own code.
 */
function findLocation(text: string, file: string): Location | undefined {
  const projectDir = `${dirname(file)}${sep}`;
  let fallback: Location | undefined;
  for (const line of text.split('\n')) {
    const match = LOCATION.exec(line);
    if (!match) continue;
    const found = { file: match[1]!, line: match[2]!, column: match[3]! };
    if (found.file === file) return found;
    const ours = OWN_CODE.some((dir) => found.file.startsWith(dir));
    const theirs = found.file.startsWith(projectDir) && !found.file.includes(`${sep}node_modules${sep}`);
    if (fallback === undefined && theirs && !ours) fallback = found;
  }
  return fallback;
}

/** js-yaml ends its reason with `(line:column)`. */
function yamlLocation(message: string, file: string): Location | undefined {
  const match = /\((\d+):(\d+)\)$/m.exec(message);
  return match ? { file, line: match[1]!, column: match[2]! } : undefined;
}
