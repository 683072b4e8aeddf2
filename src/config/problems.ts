/**
 * Config problems: every check records what it finds here instead of throwing, so one run reports
 * every problem at once. A problem names the field path (`services.web.ports.PORT`) and says what
 * was expected and what was found.
 */
import { relative, sep } from 'node:path';

/** A path into the config object: keys and list indexes. */
export type FieldPath = readonly (string | number)[];

export interface ConfigProblem {
  /** Dotted field path, `services.web.command[1]`; empty for the config as a whole. */
  readonly path: string;
  readonly message: string;
  /**
   * The file holding the bad value, when the config came from several files (a local override,
   * more `-c` files); absent: the config file itself.
   */
  readonly file?: string;
}

export class Problems {
  readonly #list: ConfigProblem[] = [];

  add(path: FieldPath, message: string): void {
    this.#list.push({ path: formatPath(path), message });
  }

  get size(): number {
    return this.#list.length;
  }

  /** In the order found (the resolver walks the config in written order). */
  list(): ConfigProblem[] {
    return [...this.#list];
  }
}

/** A path as the user would type it from `cwd`; absolute when that would climb far up. */
export function displayPath(file: string, cwd: string): string {
  const shown = relative(cwd, file);
  return shown === '' || shown.startsWith(`..${sep}..${sep}..`) ? file : shown;
}

/** `['services', 'web', 'command', 1]` → `services.web.command[1]`. */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  }
  return text;
}

/**
 * The readable block: a heading naming the file, then one line per problem, each naming the file
 * that holds it (as the user would type it, `show`) and the field path, like a compiler's
 * `file: message` lines.
 */
export function formatProblemBlock(
  file: string,
  displayFile: string,
  problems: readonly ConfigProblem[],
  show: (file: string) => string = () => displayFile,
): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => {
    const where = problem.file === undefined || problem.file === file ? displayFile : show(problem.file);
    return problem.path === '' ? `  ${where}: ${problem.message}` : `  ${where}: ${problem.path}: ${problem.message}`;
  });
  return [`invalid config ${file} (${count}):`, ...lines].join('\n');
}
