/**
 * Dev servers that ignore `PORT` and take their port from a flag (Vite quietly takes the next
 * free port when its default is busy, so the readiness check waits on the leased one in vain).
 * When a service's command runs one of these as its last step and passes no port of its own,
 * Styxy appends the tool's port flag with the service's first port — plus `--strictPort` for
 * Vite and what runs on it, so a taken port is an error rather than another port.
 * `portFlag: false` turns it off. Tools that read `PORT` (next, express apps) are not listed.
 * Pure: the table is data, the matching is string work. docs/configuration.md shows the table.
 */
import type { ResolvedCommand, ResolvedPortFlag } from './types.js';

/** What stands for the port in `args` (filled in once the port is leased). */
export const PORT_PLACEHOLDER = '$PORT';

export interface PortFlagRule {
  /** How the table names it (`vite`, `ng serve`). */
  readonly tool: string;
  /** The program (a basename), and the words that must follow it (a subcommand), if any. */
  readonly program: readonly string[];
  readonly subcommands?: readonly (readonly string[])[];
  /** Words right after the program that make it no server (`vite build`). */
  readonly not?: readonly string[];
  /** Arguments to add; PORT_PLACEHOLDER is the port. */
  readonly args: readonly string[];
  /** Any of these in the command means it chose its port already. */
  readonly present: readonly string[];
}

const PORT_FLAGS = ['--port', '-p'];

/** The table (docs/configuration.md shows it; a unit test checks they agree). */
export const PORT_FLAG_RULES: readonly PortFlagRule[] = [
  {
    tool: 'vite',
    program: ['vite'],
    not: ['build', 'optimize'],
    args: ['--port', PORT_PLACEHOLDER, '--strictPort'],
    present: ['--port', '--strictPort'],
  },
  {
    tool: 'vitepress dev',
    program: ['vitepress'],
    subcommands: [['dev']],
    args: ['--port', PORT_PLACEHOLDER, '--strictPort'],
    present: ['--port', '--strictPort'],
  },
  {
    tool: 'astro dev',
    program: ['astro'],
    subcommands: [['dev']],
    args: ['--port', PORT_PLACEHOLDER],
    present: ['--port'],
  },
  {
    tool: 'storybook dev',
    program: ['storybook', 'start-storybook'],
    subcommands: [['dev'], []],
    args: ['--port', PORT_PLACEHOLDER, '--exact-port'],
    present: [...PORT_FLAGS, '--exact-port'],
  },
  {
    tool: 'webpack serve',
    program: ['webpack'],
    subcommands: [['serve'], ['s']],
    args: ['--port', PORT_PLACEHOLDER],
    present: ['--port'],
  },
  {
    tool: 'webpack-dev-server',
    program: ['webpack-dev-server'],
    args: ['--port', PORT_PLACEHOLDER],
    present: ['--port'],
  },
  {
    tool: 'ng serve',
    program: ['ng'],
    subcommands: [['serve'], ['s']],
    args: ['--port', PORT_PLACEHOLDER],
    present: ['--port'],
  },
  {
    tool: 'nuxt dev',
    program: ['nuxt', 'nuxi'],
    subcommands: [['dev']],
    args: ['--port', PORT_PLACEHOLDER],
    present: PORT_FLAGS,
  },
  {
    tool: 'hugo server',
    program: ['hugo'],
    subcommands: [['server'], ['serve']],
    args: ['--port', PORT_PLACEHOLDER],
    present: PORT_FLAGS,
  },
  {
    tool: 'mkdocs serve',
    program: ['mkdocs'],
    subcommands: [['serve']],
    args: ['--dev-addr', `127.0.0.1:${PORT_PLACEHOLDER}`],
    present: ['--dev-addr', '-a'],
  },
  {
    tool: 'jekyll serve',
    program: ['jekyll'],
    subcommands: [['serve'], ['server'], ['s']],
    args: ['--port', PORT_PLACEHOLDER],
    present: ['--port', '-P'],
  },
  {
    tool: 'django runserver',
    program: ['manage.py', 'django-admin'],
    subcommands: [['runserver']],
    args: [PORT_PLACEHOLDER],
    // An address or port given after `runserver` (`0.0.0.0:8000`, `8000`) is its own choice.
    present: [],
  },
  {
    tool: 'flask run',
    program: ['flask'],
    subcommands: [['run']],
    args: ['--port', PORT_PLACEHOLDER],
    present: PORT_FLAGS,
  },
  { tool: 'uvicorn', program: ['uvicorn'], args: ['--port', PORT_PLACEHOLDER], present: ['--port', '--fd', '--uds'] },
  {
    tool: 'rails server',
    program: ['rails'],
    subcommands: [['server'], ['s']],
    args: ['-p', PORT_PLACEHOLDER],
    present: PORT_FLAGS,
  },
];

/** Runners in front of a program: `npx vite`, `pnpm exec vite`, `python -m flask run`, `bundle exec rails s`. */
const RUNNERS: readonly (readonly string[])[] = [
  ['npx'],
  ['bunx'],
  ['pnpx'],
  ['pnpm', 'exec'],
  ['pnpm', 'dlx'],
  ['npm', 'exec', '--'],
  ['npm', 'exec'],
  ['yarn', 'exec'],
  ['yarn', 'dlx'],
  ['yarn'],
  ['bundle', 'exec'],
  ['poetry', 'run'],
  ['uv', 'run'],
  ['pipenv', 'run'],
  ['exec'],
];
const INTERPRETERS = new Set(['python', 'python3', 'node', 'ruby']);

/** The port flag to add to `command`, or null (not a listed tool, or it passes a port already). */
export function portFlagFor(command: ResolvedCommand): ResolvedPortFlag | null {
  const words = command.kind === 'argv' ? [...command.argv] : lastShellStep(command.shell);
  if (words === null) return null;
  const rest = programWords(words);
  if (rest.length === 0) return null;
  const program = basename(rest[0]!);
  for (const rule of PORT_FLAG_RULES) {
    if (!rule.program.includes(program)) continue;
    const after = rest.slice(1);
    if (rule.not?.includes(after[0] ?? '')) continue;
    const subcommand = (rule.subcommands ?? [[]]).find((words) => words.every((word, i) => after[i] === word));
    if (subcommand === undefined) continue;
    const args = after.slice(subcommand.length);
    if (rule.tool === 'django runserver' ? args.some((arg) => !arg.startsWith('-')) : hasFlag(args, rule.present)) {
      return null;
    }
    return { tool: rule.tool, args: rule.args };
  }
  return null;
}

/** The words of the program and its arguments, with environment assignments and runners stripped. */
function programWords(words: readonly string[]): string[] {
  let rest = [...words];
  while (rest.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!)) rest = rest.slice(1);
  for (let changed = true; changed; ) {
    changed = false;
    for (const runner of RUNNERS) {
      if (runner.every((word, i) => rest[i] === word) && rest.length > runner.length) {
        rest = rest.slice(runner.length);
        changed = true;
        break;
      }
    }
    const first = rest[0];
    if (first !== undefined && INTERPRETERS.has(basename(first))) {
      // `python -m flask run`, `python manage.py runserver`, `node node_modules/.bin/vite`.
      const module = rest[1] === '-m' ? 2 : 1;
      if (rest.length > module) {
        rest = rest.slice(module);
        changed = true;
      }
    }
  }
  return rest;
}

function hasFlag(args: readonly string[], flags: readonly string[]): boolean {
  return args.some((arg) => flags.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The words of a shell string's last simple command — appending to the string appends to it —
 * or null when the string is more than plain words (quotes, substitutions, a trailing `&`,
 * subshells): then nothing is added, rather than something wrong.
 */
function lastShellStep(shell: string): string[] | null {
  if (/['"`\\$(){}]/.test(shell.replace(/\$\{?[A-Za-z_][A-Za-z0-9_.]*\}?/g, 'X'))) return null;
  const steps = shell.split(/&&|\|\||;|\|/);
  const last = steps.at(-1)!.trim();
  if (last === '' || last.endsWith('&')) return null;
  // Redirections are not arguments (`vite > web.log` is still `vite`).
  const words: string[] = [];
  const all = last.split(/\s+/);
  for (let i = 0; i < all.length; i++) {
    if (/^\d*[<>]+&?$/.test(all[i]!)) i++;
    else if (!/^\d*[<>]/.test(all[i]!)) words.push(all[i]!);
  }
  return words.length > 0 ? words : null;
}
