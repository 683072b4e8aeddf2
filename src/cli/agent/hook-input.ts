/**
 * What Claude Code sends a hook on stdin: one JSON object with `hook_event_name`, `session_id`,
 * `cwd` and the event's own fields (`tool_name` and `tool_input` for PreToolUse, `source` for
 * SessionStart, `reason` for SessionEnd, `worktree_path` for WorktreeRemove). Read bounded, and
 * checked by hand: only what the hook uses, unknown fields ignored.
 */
import { StyxyError } from '../../protocol/errors.js';

export interface HookInput {
  readonly event: string;
  readonly sessionId: string | null;
  readonly cwd: string;
  readonly toolName: string | null;
  readonly toolInput: Readonly<Record<string, unknown>>;
  readonly worktreePath: string | null;
}

export interface HookOptions {
  /** Deny a Bash command that would listen on a held port, instead of warning. */
  readonly block?: boolean;
  /** Record the stacks a session starts (for its SessionEnd hook). */
  readonly sessionEnd?: boolean;
}

/** What the hook prints: its JSON answer on stdout (none: say nothing), lines for the user on stderr. */
export interface HookAnswer {
  readonly output: Record<string, unknown> | null;
  readonly log: readonly string[];
}

/** The MCP server's `up` tool, as Claude Code names it when the server is registered as "styxy". */
export const MCP_UP_TOOL = 'mcp__styxy__up';
/** A tool call's input is small; this bounds what a hook reads. */
const MAX_INPUT = 1024 * 1024;

export async function readHookInput(stdin: NodeJS.ReadableStream = process.stdin): Promise<HookInput> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.length > MAX_INPUT) throw badInput(`more than ${MAX_INPUT} bytes`);
  }
  return parseHookInput(text);
}

export function parseHookInput(text: string): HookInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badInput(text.trim() === '' ? 'nothing' : 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput('not a JSON object');
  const input = value as Record<string, unknown>;
  const event = input.hook_event_name;
  if (typeof event !== 'string') throw badInput('no "hook_event_name"');
  const text_ = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : null);
  const toolInput = input.tool_input;
  return {
    event,
    sessionId: text_('session_id'),
    cwd: text_('cwd') ?? process.cwd(),
    toolName: text_('tool_name'),
    toolInput: typeof toolInput === 'object' && toolInput !== null ? (toolInput as Record<string, unknown>) : {},
    worktreePath: text_('worktree_path'),
  };
}

function badInput(what: string): StyxyError {
  return new StyxyError('STYXY_USAGE', `\`styxy agent hook\` read ${what} on stdin, not a Claude Code hook's input`, {
    hint: 'Claude Code runs it with the hook JSON on stdin; `styxy agent install claude` registers it',
  });
}
