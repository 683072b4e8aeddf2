import { describe, expect, it } from 'vitest';
import { mergeClaudeSettings } from '../../../src/cli/agent/claude-settings.js';
import { runSuggestion } from '../../../src/cli/agent/hook-answers.js';
import { parseHookInput } from '../../../src/cli/agent/hook-input.js';

const ours = (command: string, matcher?: string) => ({
  ...(matcher === undefined ? {} : { matcher }),
  hooks: [{ type: 'command', command }],
});

describe('mergeClaudeSettings', () => {
  const file = '/p/.claude/settings.json';

  it('adds SessionStart and PreToolUse (Bash) hooks to no settings', () => {
    expect(mergeClaudeSettings(undefined, file, { styxy: 'npx styxy' })).toEqual({
      hooks: {
        SessionStart: [ours('npx styxy agent hook')],
        PreToolUse: [ours('npx styxy agent hook', 'Bash')],
      },
    });
  });

  it("replaces its own entries in place, keeps others' hooks in the same group, and drops events no longer asked for", () => {
    const before = {
      model: 'x',
      hooks: {
        PreToolUse: [
          ours('./first.sh', 'Edit'),
          {
            matcher: 'Bash',
            hooks: [
              { type: 'command', command: 'styxy agent hook --block' },
              { type: 'command', command: './audit.sh' },
            ],
          },
          ours('./last.sh', 'Bash'),
        ],
        SessionEnd: [ours('npx styxy agent hook --session-end')],
        Stop: [ours('./stop.sh')],
      },
    };
    const after = mergeClaudeSettings(before, file, { styxy: 'npx styxy', worktreeRemove: true });
    expect(after).toEqual({
      model: 'x',
      hooks: {
        PreToolUse: [
          ours('./first.sh', 'Edit'),
          ours('npx styxy agent hook', 'Bash'),
          { matcher: 'Bash', hooks: [{ type: 'command', command: './audit.sh' }] },
          ours('./last.sh', 'Bash'),
        ],
        Stop: [ours('./stop.sh')],
        SessionStart: [ours('npx styxy agent hook')],
        WorktreeRemove: [ours('npx styxy agent hook')],
      },
    });
    expect(mergeClaudeSettings(after, file, { styxy: 'npx styxy', worktreeRemove: true })).toEqual(after);
  });

  it.each([
    [[], 'the file is not a JSON object'],
    [{ hooks: [] }, '"hooks" is not an object of event names to lists'],
    [{ hooks: { PreToolUse: {} } }, '"hooks.PreToolUse" is not a list of { matcher, hooks } groups'],
  ])('refuses %j, naming the field', (settings, message) => {
    expect(() => mergeClaudeSettings(settings, file, { styxy: 'styxy' })).toThrow(`${file}: ${message}`);
  });
});

describe('runSuggestion', () => {
  it.each([
    ['PORT=3000 npm start', [3000], 'styxy run -p PORT -- npm start'],
    ['python3 -m http.server 8000', [8000], "styxy run -p PORT -- sh -c 'python3 -m http.server $PORT'"],
    ["vite --port 3000 --host 'x'", [3000], "styxy run -p PORT -- sh -c 'vite --port $PORT --host '\\''x'\\'''"],
  ])('%s', (command, ports, expected) => {
    expect(runSuggestion(command, ports)).toBe(expected);
  });
});

describe('parseHookInput', () => {
  it('takes what the hook uses and ignores the rest', () => {
    expect(
      parseHookInput(
        JSON.stringify({
          hook_event_name: 'PreToolUse',
          session_id: 's',
          cwd: '/p',
          tool_name: 'Bash',
          tool_input: { command: 'ls' },
          permission_mode: 'default',
        }),
      ),
    ).toEqual({
      event: 'PreToolUse',
      sessionId: 's',
      cwd: '/p',
      toolName: 'Bash',
      toolInput: { command: 'ls' },
      worktreePath: null,
    });
  });

  it.each([
    ['', 'nothing'],
    ['[1]', 'not a JSON object'],
    ['{"session_id":"s"}', 'no "hook_event_name"'],
  ])('refuses %j', (text, what) => {
    expect(() => parseHookInput(text)).toThrow(`\`styxy agent hook\` read ${what} on stdin`);
  });
});
