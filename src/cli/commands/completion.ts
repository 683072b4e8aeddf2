/**
 * `styxy completion bash|zsh|fish|powershell` prints a completion script; the script calls the
 * hidden `styxy complete -- <words>` at each Tab. Both come from @bomb.sh/tab's commander
 * adapter, which reads the commands, options and choices off the program: completions never
 * drift from the CLI. It adds its own `completion` and `complete` commands, so it gets a program
 * built without ours, and parses the request again there. Loaded only by these two commands.
 */
import tab from '@bomb.sh/tab/commander';
import { buildProgram } from '../main.js';

async function viaTab(argv: readonly string[]): Promise<number> {
  const program = buildProgram(() => {}, { completion: false });
  tab(program, { completionCommandName: 'completion' });
  await program.parseAsync([...argv], { from: 'user' });
  return 0;
}

export function run(shell: string): Promise<number> {
  return viaTab(['completion', shell]);
}

export function complete(words: readonly string[]): Promise<number> {
  return viaTab(['complete', '--', ...words]);
}
