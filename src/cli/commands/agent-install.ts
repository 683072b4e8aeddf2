/**
 * `styxy agent install claude [--block] [--session-end] [--worktree-remove] [--print]`: merges
 * Styxy's hooks into the project's `.claude/settings.json` (agent/claude-settings.ts), or with
 * `--print` shows the result and a snippet for AGENTS.md or CLAUDE.md. The hooks run `styxy
 * agent hook` (agent-hook.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { locateConfig } from '../../config/locate.js';
import { StyxyError } from '../../protocol/errors.js';
import { AGENTS_SNIPPET } from '../agent/agents-snippet.js';
import { mergeClaudeSettings, styxyHooks } from '../agent/claude-settings.js';
import { EXIT } from '../exit-codes.js';

export interface InstallOptions {
  readonly block?: boolean;
  readonly sessionEnd?: boolean;
  readonly worktreeRemove?: boolean;
  readonly print?: boolean;
}

/**
 * How the hooks run Styxy: the project's own install when it has one (Claude Code sets
 * $CLAUDE_PROJECT_DIR to the folder whose .claude/settings.json it reads, the one written here),
 * else `styxy` on the PATH (a global install). Not `npx styxy`: npm's own start costs about
 * 400 ms of CPU on every Bash command (docs/performance.md, "Claude Code hooks").
 */
export function hookStyxy(root: string): string {
  return existsSync(join(root, 'node_modules', '.bin', 'styxy'))
    ? '"$CLAUDE_PROJECT_DIR"/node_modules/.bin/styxy'
    : 'styxy';
}

export async function run(agent: string, options: InstallOptions): Promise<number> {
  if (agent !== 'claude') {
    throw new StyxyError('STYXY_USAGE', `no hooks for "${agent}"`, { hint: 'Styxy installs hooks for: claude' });
  }
  // The project's folder: the one its Styxy config is in (the stack the hooks are about).
  const { root } = locateConfig({ cwd: process.cwd() });
  const file = join(root, '.claude', 'settings.json');
  const before = readSettings(file);
  const styxy = hookStyxy(root);
  const hookOptions = { ...options, styxy };
  const after = `${JSON.stringify(mergeClaudeSettings(before.value, file, hookOptions), null, 2)}\n`;
  const hooked = Object.entries(styxyHooks(hookOptions))
    .filter(([, group]) => group !== null)
    .map(([event, group]) => (group?.matcher ? `${event} (${group.matcher})` : event));
  if (options.print) {
    process.stdout.write(`${after}\n${AGENTS_SNIPPET}`);
    process.stderr.write(
      `styxy: above, ${relative(process.cwd(), file) || file} with Styxy's hooks (not written), then a snippet for AGENTS.md or CLAUDE.md\n`,
    );
    return EXIT.ok;
  }
  if (after === before.text) {
    process.stderr.write(`styxy: ${file} has Styxy's hooks already: ${hooked.join(', ')}\n`);
    return EXIT.ok;
  }
  mkdirSync(join(root, '.claude'), { recursive: true });
  const temp = `${file}.styxy-${process.pid}`;
  writeFileSync(temp, after);
  renameSync(temp, file);
  process.stderr.write(
    `styxy: ${before.text === null ? 'wrote' : 'updated'} ${file}: hooks ${hooked.join(', ')} run \`${styxy} agent hook\`\n` +
      'hint: `styxy agent install claude --print` shows a snippet for AGENTS.md or CLAUDE.md\n',
  );
  return EXIT.ok;
}

function readSettings(file: string): { value: unknown; text: string | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: undefined, text: null };
    throw error;
  }
  try {
    return { value: JSON.parse(text), text };
  } catch (error) {
    throw new StyxyError('STYXY_CONFIG_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'fix it by hand (Styxy writes nothing into a settings file it cannot read), then run this again',
      details: { file },
    });
  }
}
