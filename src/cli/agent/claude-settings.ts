/**
 * The hooks `styxy agent install claude` merges into a project's `.claude/settings.json`: pure,
 * from the settings as they are to the settings with Styxy's hooks. Never clobbers: every key and
 * every hook of others is kept as it was; Styxy's own entries (those running `styxy agent hook`)
 * are replaced in place, or added at the end of their event's list, and removed from the events
 * the flags no longer ask for. So running it again with the same flags changes nothing.
 */
import { StyxyError } from '../../protocol/errors.js';

export interface ClaudeHookOptions {
  readonly block?: boolean;
  readonly sessionEnd?: boolean;
  readonly worktreeRemove?: boolean;
  /** How the hook runs Styxy, e.g. `styxy` or `"$CLAUDE_PROJECT_DIR"/node_modules/.bin/styxy`. */
  readonly styxy: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Group = { matcher?: string; hooks: { type: 'command'; command: string }[] };

/** Every event Styxy may hook, in the order they are written. */
export const HOOK_EVENTS = ['SessionStart', 'PreToolUse', 'SessionEnd', 'WorktreeRemove'] as const;
const OURS = /(?:^|\s|\/)styxy["']?\s+agent\s+hook\b/;

/** The groups Styxy wants per event (none: the event is not hooked). */
export function styxyHooks(options: ClaudeHookOptions): Record<(typeof HOOK_EVENTS)[number], Group | null> {
  const command = (flags: readonly (string | false | undefined)[]) =>
    [`${options.styxy} agent hook`, ...flags.filter(Boolean)].join(' ');
  const group = (flags: readonly (string | false | undefined)[], matcher?: string): Group => ({
    ...(matcher === undefined ? {} : { matcher }),
    hooks: [{ type: 'command', command: command(flags) }],
  });
  return {
    SessionStart: group([]),
    PreToolUse: group(
      [options.block && '--block', options.sessionEnd && '--session-end'],
      options.sessionEnd ? 'Bash|mcp__styxy__up' : 'Bash',
    ),
    SessionEnd: options.sessionEnd ? group(['--session-end']) : null,
    WorktreeRemove: options.worktreeRemove ? group([]) : null,
  };
}

/** `settings` (the parsed file, or undefined for none) with Styxy's hooks merged in. */
export function mergeClaudeSettings(settings: unknown, file: string, options: ClaudeHookOptions): Record<string, Json> {
  if (settings !== undefined && !isObject(settings)) throw invalid(file, 'the file', 'a JSON object');
  const result: Record<string, Json> = { ...((settings as Record<string, Json>) ?? {}) };
  const hooks = result.hooks ?? {};
  if (!isObject(hooks)) throw invalid(file, '"hooks"', 'an object of event names to lists');
  const merged: Record<string, Json> = { ...hooks };
  const wanted = styxyHooks(options);
  for (const event of HOOK_EVENTS) {
    const list = merged[event] ?? [];
    if (!Array.isArray(list)) throw invalid(file, `"hooks.${event}"`, 'a list of { matcher, hooks } groups');
    const next: Json[] = [];
    let placed = false;
    for (const entry of list) {
      const inner = isObject(entry) && Array.isArray(entry.hooks) ? entry.hooks : null;
      const ours = inner?.filter(
        (hook) => isObject(hook) && typeof hook.command === 'string' && OURS.test(hook.command),
      );
      if (!inner || !ours || ours.length === 0) {
        next.push(entry);
        continue;
      }
      if (!placed && wanted[event]) next.push(wanted[event] as Json);
      placed = true;
      const others = inner.filter((hook) => !ours.includes(hook));
      if (others.length > 0) next.push({ ...(entry as Record<string, Json>), hooks: others });
    }
    if (!placed && wanted[event]) next.push(wanted[event] as Json);
    if (next.length > 0) merged[event] = next;
    else delete merged[event];
  }
  if (Object.keys(merged).length > 0) result.hooks = merged;
  else delete result.hooks;
  return result;
}

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, field: string, expected: string): StyxyError {
  return new StyxyError('STYXY_CONFIG_INVALID', `${file}: ${field} is not ${expected}`, {
    hint: 'fix it by hand (Styxy writes nothing into a settings file it cannot read), then run this again',
    details: { file, field },
  });
}
