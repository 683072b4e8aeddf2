/**
 * `styxy agent hook [--block] [--session-end]`: what the hooks `styxy agent install claude`
 * writes run. It reads one Claude Code hook call on stdin and answers it (agent/hook.ts).
 */

import { isStyxyError } from '../../protocol/errors.js';
import { answerHook } from '../agent/hook.js';
import { type HookOptions, readHookInput } from '../agent/hook-input.js';
import { EXIT } from '../exit-codes.js';

/**
 * One hook call. Exit 0 with the answer (or nothing) on stdout; any failure is exit 1, which
 * Claude Code shows without blocking anything (exit 2 would block the tool call).
 */
export async function run(options: HookOptions): Promise<number> {
  try {
    const answer = await answerHook(await readHookInput(), options);
    for (const line of answer.log) process.stderr.write(`${line}\n`);
    if (answer.output !== null) process.stdout.write(`${JSON.stringify(answer.output)}\n`);
    return EXIT.ok;
  } catch (error) {
    const message = isStyxyError(error) ? error.message : String((error as Error)?.stack ?? error);
    process.stderr.write(`styxy: agent hook: ${message}\n`);
    return EXIT.failure;
  }
}
