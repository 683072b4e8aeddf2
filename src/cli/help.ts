/**
 * The parts every command's `--help` ends with: examples, and the environment variables it
 * reads (docs/commands.md lists them all, with their defaults).
 */

/** Every variable Styxy itself reads, with the line its help shows. */
export const ENVIRONMENT = {
  STYXY_HOME: 'where Styxy keeps its state (default: $XDG_STATE_HOME/styxy, else ~/.local/state/styxy)',
  XDG_RUNTIME_DIR: 'where sockets go when $STYXY_HOME is too deep for one (else the temp folder)',
  NO_COLOR: 'set (non-empty): no colour',
  FORCE_COLOR: 'colour even when not on a terminal (0 or false: never); wins over NO_COLOR',
  STYXY_DEBUG: 'set (non-empty): errors also print their cause',
} as const;

export type EnvironmentName = keyof typeof ENVIRONMENT;

/** What the commands that talk to the coordinator read. */
export const COORDINATOR_ENV: readonly EnvironmentName[] = ['STYXY_HOME', 'XDG_RUNTIME_DIR', 'STYXY_DEBUG'];

export interface HelpExtras {
  /** `[command line, what it does]`. */
  readonly examples: readonly (readonly [string, string])[];
  readonly env: readonly EnvironmentName[];
}

/** The text after a command's own help: `Examples:` and `Environment:`. */
export function helpExtras({ examples, env }: HelpExtras): string {
  const lines: string[] = [];
  if (examples.length > 0) {
    const width = Math.max(...examples.map(([command]) => command.length));
    lines.push('', 'Examples:');
    for (const [command, what] of examples) lines.push(`  $ ${command.padEnd(width)}  # ${what}`);
  }
  if (env.length > 0) {
    const width = Math.max(...env.map((name) => name.length));
    lines.push('', 'Environment:');
    for (const name of env) lines.push(`  ${name.padEnd(width)}  ${ENVIRONMENT[name]}`);
  }
  return lines.join('\n');
}
