/**
 * `styxy agent hook` as Claude Code runs it: the hook JSON on stdin of the built CLI, against a
 * real coordinator, a real background stack and a real foreign listener; and `styxy agent
 * install claude` merging into a real settings file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { CLI_BIN, coordinatorProcesses, runCli } from '../helpers/coordinator.js';
import { makeTestHome } from '../helpers/home.js';
import { fixture, NODE } from '../helpers/stack.js';

let background: BackgroundHome;
let root: string;
let apiPort: number;

const config = { api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } } };

function hookCall(cwd: string, event: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    hook_event_name: event,
    session_id: 'session-1',
    transcript_path: '/dev/null',
    cwd,
    ...fields,
  });
}

function bash(cwd: string, command: string): string {
  return hookCall(cwd, 'PreToolUse', {
    tool_name: 'Bash',
    tool_input: { command, description: 'x' },
    tool_use_id: 't1',
  });
}

/** What a hook answers on stdout. */
type HookJson = { systemMessage?: string; hookSpecificOutput: Record<string, string> };

async function hook(input: string, flags: readonly string[] = [], cwd = root) {
  const result = await background.cli(cwd, ['agent', 'hook', ...flags], { input });
  return { ...result, json: result.stdout.trim() === '' ? null : (JSON.parse(result.stdout) as HookJson) };
}

beforeAll(async () => {
  background = makeBackgroundHome();
  root = background.project('shop', { name: 'shop', services: config });
  const up = await background.upDetached(root);
  apiPort = up.services[0]!.ports.PORT!;
}, 90_000);

afterAll(async () => {
  await background?.cleanup();
});

describe('styxy agent hook: PreToolUse on Bash', () => {
  it('warns, naming the holder, when the command would listen on a leased port', async () => {
    const result = await hook(bash(root, `python3 -m http.server ${apiPort}`));
    expect(result.code, result.stderr).toBe(0);
    const context = result.json!.hookSpecificOutput.additionalContext as string;
    expect(result.json!.hookSpecificOutput.hookEventName).toBe('PreToolUse');
    expect(result.json!.hookSpecificOutput.permissionDecision).toBeUndefined();
    expect(result.json!.systemMessage).toBe(context);
    expect(context).toContain(`would listen on port ${apiPort}, which is taken`);
    expect(context).toContain(`port ${apiPort} is leased to stack shop/default: service api (PORT)`);
    expect(context).toContain('`styxy port api`');
    expect(context).toContain("`styxy run -p PORT -- sh -c 'python3 -m http.server $PORT'`");
  });

  it('with --block, denies the call with that message', async () => {
    const result = await hook(bash(root, `PORT=${apiPort} npm start`), ['--block']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json!.hookSpecificOutput).toMatchObject({ hookEventName: 'PreToolUse', permissionDecision: 'deny' });
    expect(result.json!.hookSpecificOutput.permissionDecisionReason).toContain('`styxy run -p PORT -- npm start`');
  });

  it('names a program that is not Styxy’s, with its pid', async () => {
    const port = background.home.spare[0]!;
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, resolve));
    try {
      const result = await hook(bash(root, `npx vite --port ${port}`));
      expect(result.json!.hookSpecificOutput.additionalContext).toContain(
        `port ${port} is in use by another program on`,
      );
      expect(result.json!.hookSpecificOutput.additionalContext).toContain(`pid ${process.pid}`);
    } finally {
      server.close();
    }
  });

  it('says nothing, exit 0, for a command that binds nothing or a port that is free', async () => {
    for (const command of [
      'ls -la',
      `curl localhost:${apiPort}/health`,
      `python3 -m http.server ${background.home.spare[1]}`,
    ]) {
      const result = await hook(bash(root, command));
      expect([result.code, result.stdout, result.stderr], command).toEqual([0, '', '']);
    }
    const other = await hook(hookCall(root, 'PreToolUse', { tool_name: 'Read', tool_input: { file_path: '/x' } }));
    expect([other.code, other.stdout]).toEqual([0, '']);
  });

  it('never starts a coordinator, and fails with exit 1 (never 2) on input that is not a hook call', async () => {
    const home = makeTestHome();
    try {
      const result = await runCli(['agent', 'hook'], {
        env: home.env,
        cwd: root,
        input: hookCall(root, 'SessionStart'),
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('It is not running: start it in the background with `styxy up -d --json`');
      const held = await runCli(['agent', 'hook'], { env: home.env, cwd: root, input: bash(root, `nc -l ${apiPort}`) });
      expect(held.stdout).toContain(`port ${apiPort} is in use by another program`);
      expect(coordinatorProcesses(home)).toEqual([]);
      const bad = await runCli(['agent', 'hook'], { env: home.env, cwd: root, input: 'not json' });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^styxy: agent hook: `styxy agent hook` read not JSON on stdin/);
    } finally {
      home.cleanup();
    }
  });
});

describe('styxy agent hook: sessions and worktrees', () => {
  it('SessionStart: the stack, its status and ports as context', async () => {
    const result = await hook(hookCall(root, 'SessionStart', { source: 'startup' }));
    expect(result.json!.hookSpecificOutput.hookEventName).toBe('SessionStart');
    expect(result.json!.hookSpecificOutput.additionalContext).toMatch(
      new RegExp(`^Styxy: stack shop/default of this project is running \\(pid \\d+\\): api ready on ${apiPort}\\.`),
    );
  });

  it('SessionEnd stops the stacks the session started, not one that ran before it', async () => {
    const mine = background.project('mine', { name: 'mine', services: config });
    // Through the MCP server's up tool too (Claude Code names it mcp__styxy__up).
    const viaMcp = background.project('via-mcp', { name: 'via-mcp', services: config });
    const tool = hookCall(viaMcp, 'PreToolUse', { tool_name: 'mcp__styxy__up', tool_input: {} });
    expect((await hook(tool, ['--session-end'], viaMcp)).code).toBe(0);
    await background.upDetached(viaMcp);
    const mcpEnd = await hook(hookCall(viaMcp, 'SessionEnd', { reason: 'exit' }), ['--session-end'], viaMcp);
    expect(mcpEnd.stderr).toContain('styxy: stopped via-mcp/default');
    // The session runs `styxy up -d` in `mine` and in `shop` (which ran already).
    for (const cwd of [mine, root]) {
      const seen = await hook(bash(cwd, 'styxy up -d --json'), ['--session-end'], cwd);
      expect([seen.code, seen.stdout, seen.stderr]).toEqual([0, '', '']);
    }
    await background.upDetached(mine);
    const end = await hook(hookCall(mine, 'SessionEnd', { reason: 'exit' }), ['--session-end'], mine);
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).toContain('styxy: stopped mine/default');
    const ps = await background.cli(mine, ['ps', '--all', '--json']);
    expect(
      (JSON.parse(ps.stdout) as { stacks: { stack: { project: string } }[] }).stacks.map((s) => s.stack.project),
    ).toEqual(['shop']);
    // Its record is gone: a second SessionEnd stops nothing.
    expect((await hook(hookCall(mine, 'SessionEnd'), ['--session-end'], mine)).stderr).toBe('');
  }, 90_000);

  it('WorktreeRemove stops the stacks of that worktree', async () => {
    const tree = background.project('tree', { name: 'tree', services: config });
    await background.upDetached(tree);
    const result = await hook(hookCall(root, 'WorktreeRemove', { worktree_path: tree }));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('styxy: stopped tree/default');
    // `down` semantics: once the hook returns, the stack is gone.
    const ps = await background.cli(tree, ['ps']);
    expect([ps.code, ps.stderr]).toEqual([
      1,
      `styxy: no stack of ${tree} is running\nhint: start it with \`styxy up\`\n`,
    ]);
  }, 90_000);
});

describe('styxy agent install claude', () => {
  it('merges its hooks into .claude/settings.json, keeps what is there, and is idempotent', async () => {
    const project = background.project('install', { name: 'install', services: config });
    mkdirSync(join(project, '.claude'));
    const file = join(project, '.claude', 'settings.json');
    const mine = { matcher: 'Bash', hooks: [{ type: 'command', command: './audit.sh' }] };
    writeFileSync(file, JSON.stringify({ permissions: { allow: ['Bash(npm test)'] }, hooks: { PreToolUse: [mine] } }));
    const first = await background.cli(project, ['agent', 'install', 'claude', '--session-end']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`updated ${file}`);
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    expect(settings.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(settings.hooks.PreToolUse).toEqual([
      mine,
      { matcher: 'Bash|mcp__styxy__up', hooks: [{ type: 'command', command: 'styxy agent hook --session-end' }] },
    ]);
    expect(settings.hooks.SessionStart).toEqual([{ hooks: [{ type: 'command', command: 'styxy agent hook' }] }]);
    expect(settings.hooks.SessionEnd).toEqual([
      { hooks: [{ type: 'command', command: 'styxy agent hook --session-end' }] },
    ]);
    const text = readFileSync(file, 'utf8');
    const again = await background.cli(project, ['agent', 'install', 'claude', '--session-end']);
    expect(again.stderr).toContain("has Styxy's hooks already");
    expect(readFileSync(file, 'utf8')).toBe(text);

    const printed = await background.cli(project, [
      'agent',
      'install',
      'claude',
      '--block',
      '--worktree-remove',
      '--print',
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('"command": "styxy agent hook --block"');
    expect(printed.stdout).toContain('"WorktreeRemove"');
    expect(printed.stdout).not.toContain('"SessionEnd"');
    expect(printed.stdout).toContain('## Dev stack (Styxy)');
    expect(readFileSync(file, 'utf8')).toBe(text); // --print writes nothing

    // With a project install, the hooks run it (npx would cost npm's start on every Bash command).
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(CLI_BIN, join(project, 'node_modules', '.bin', 'styxy'));
    const local = await background.cli(project, ['agent', 'install', 'claude']);
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).hooks.PreToolUse.at(-1)).toEqual({
      matcher: 'Bash',
      hooks: [{ type: 'command', command: '"$CLAUDE_PROJECT_DIR"/node_modules/.bin/styxy agent hook' }],
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).hooks.SessionEnd).toBeUndefined();
    // …and that command, as Claude Code runs it (a shell, $CLAUDE_PROJECT_DIR set), answers.
    const written = JSON.parse(readFileSync(file, 'utf8')).hooks.PreToolUse.at(-1).hooks[0].command as string;
    const ran = spawnSync('sh', ['-c', written], {
      cwd: project,
      env: { ...background.home.env, CLAUDE_PROJECT_DIR: project },
      input: bash(project, `python3 -m http.server ${apiPort}`),
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`port ${apiPort} is leased to stack shop/default`);

    writeFileSync(file, '{ "hooks": [] }');
    const bad = await background.cli(project, ['agent', 'install', 'claude']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`styxy: ${file}: "hooks" is not an object of event names to lists`);
    expect(readFileSync(file, 'utf8')).toBe('{ "hooks": [] }');
  });
});
