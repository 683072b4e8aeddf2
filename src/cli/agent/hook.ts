/**
 * `styxy agent hook`: one answer to one Claude Code hook call (hook-input.ts), per its hook
 * protocol. It never starts a coordinator (with none running, nothing is leased and no stack
 * runs) and, for a Bash command that binds no port, reads nothing but its input.
 *
 * - SessionStart: the stack's status and ports as `additionalContext` (or how to start it).
 * - PreToolUse (Bash): a port the command would listen on that is leased or held: a warning naming
 *   the holder (`systemMessage` and `additionalContext`), or with `block` a `deny` with that
 *   reason. Nothing otherwise. With `sessionEnd` it also records a stack the session starts
 *   (sessions.ts), also through the MCP `up` tool.
 * - SessionEnd (`sessionEnd`): stops the stacks the session started.
 * - WorktreeRemove: stops every stack of that worktree.
 */
import { bashListenPorts, styxyUps } from './bash-ports.js';
import { type HookAnswer, type HookInput, type HookOptions, MCP_UP_TOOL } from './hook-input.js';

const EVENTS = new Set(['SessionStart', 'PreToolUse', 'SessionEnd', 'WorktreeRemove']);
const NOTHING: HookAnswer = { output: null, log: [] };

/**
 * Most hook calls are a Bash command that starts no server: those are answered (with nothing)
 * from the input alone, loading no client, config or coordinator code (docs/performance.md).
 */
export async function answerHook(input: HookInput, options: HookOptions): Promise<HookAnswer> {
  if (!EVENTS.has(input.event)) return NOTHING;
  if (input.event === 'PreToolUse' && !worthALook(input, options)) return NOTHING;
  return (await import('./hook-answers.js')).answer(input, options);
}

function worthALook(input: HookInput, options: HookOptions): boolean {
  const command =
    input.toolName === 'Bash' && typeof input.toolInput.command === 'string' ? input.toolInput.command : null;
  if (options.sessionEnd && input.sessionId !== null) {
    if (input.toolName === MCP_UP_TOOL || (command !== null && styxyUps(command).length > 0)) return true;
  }
  return command !== null && bashListenPorts(command).length > 0;
}
