/**
 * The answers of `styxy agent hook` (hook.ts decides whether there is anything to answer): they
 * ask the coordinator (never starting one) and stop stacks, so they load what that takes.
 */
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { runningStacks } from '../../client/coordinator-client.js';
import { locateConfig } from '../../config/locate.js';
import type { PortCheck, StackInfo } from '../../protocol/coordinator-protocol.js';
import { isStyxyError } from '../../protocol/errors.js';
import { stackId } from '../../protocol/stack-id.js';
import { checkPort, describePortCheck } from '../commands/check.js';
import { formatPorts } from '../stack/ps-table.js';
import { stackNameOption } from '../stack/stack-name.js';
import { stopStacks } from '../stack/stop-stack.js';
import { bashListenPorts, styxyUps } from './bash-ports.js';
import { type HookAnswer, type HookInput, type HookOptions, MCP_UP_TOOL } from './hook-input.js';
import { forgetSession, readSessionStacks, recordSessionStack } from './sessions.js';

/** A stop from a hook: Claude Code may not wait long, but the stop goes on in the supervisor. */
const STOP_TIMEOUT_MS = 30_000;

export async function answer(input: HookInput, options: HookOptions): Promise<HookAnswer> {
  switch (input.event) {
    case 'SessionStart':
      return sessionStart(input);
    case 'PreToolUse':
      return preToolUse(input, options);
    case 'SessionEnd':
      return stopAll(input.sessionId === null ? [] : await sessionStacks(input.sessionId), () => {
        if (input.sessionId !== null) forgetSession(input.sessionId);
      });
    case 'WorktreeRemove':
      return stopAll(input.worktreePath === null ? [] : await worktreeStacks(input.worktreePath));
    default:
      return { output: null, log: [] };
  }
}

async function sessionStart(input: HookInput): Promise<HookAnswer> {
  const root = projectRoot(input.cwd);
  if (root === null) return { output: null, log: [] };
  const stacks = (await runningStacks()).filter((stack) => stack.root === root);
  const context =
    stacks.length === 0
      ? `This project's dev stack runs with Styxy (${root}). It is not running: start it in the background with ` +
        "`styxy up -d --json`, which returns once every service is up and prints each one's ports. Ports are " +
        'assigned, never fixed: read them with `styxy port <service>`, never guess them.'
      : `${stacks.map(describeStack).join('\n')}\nRead a port with \`styxy port <service>\` (never guess one), ` +
        'status with `styxy ps --json`, output with `styxy logs <service> -n 50`; `styxy restart <service>` after ' +
        'changing its code; `styxy up -d --json` answers with the same ports.';
  return { output: { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } }, log: [] };
}

function describeStack(stack: StackInfo): string {
  const services = stack.services
    .map((s) => `${s.name} ${s.status}${Object.keys(s.ports).length > 0 ? ` on ${formatPorts(s.ports)}` : ''}`)
    .join(', ');
  return `Styxy: stack ${stack.project}/${stack.name} of this project is ${stack.phase} (pid ${stack.pid})${services ? `: ${services}` : ''}.`;
}

async function preToolUse(input: HookInput, options: HookOptions): Promise<HookAnswer> {
  const command =
    input.toolName === 'Bash' && typeof input.toolInput.command === 'string' ? input.toolInput.command : null;
  if (options.sessionEnd && input.sessionId !== null) {
    if (input.toolName === MCP_UP_TOOL) await recordStart(input.sessionId, input.cwd, stringOr(input.toolInput.name));
    for (const name of command === null ? [] : styxyUps(command)) await recordStart(input.sessionId, input.cwd, name);
  }
  if (command === null) return { output: null, log: [] };
  const held: PortCheck[] = [];
  for (const port of bashListenPorts(command).slice(0, 8)) {
    const check = await checkPort(port);
    if (!check.free) held.push(check);
  }
  if (held.length === 0) return { output: null, log: [] };
  const message = warning(command, held);
  const specific = options.block
    ? { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: message }
    : { hookEventName: 'PreToolUse', additionalContext: message };
  return { output: { ...(options.block ? {} : { systemMessage: message }), hookSpecificOutput: specific }, log: [] };
}

function warning(command: string, held: readonly PortCheck[]): string {
  const ports = held.map((check) => check.port);
  const short = command.length > 120 ? `${command.slice(0, 117)}…` : command;
  const lines = [
    `Styxy: \`${short}\` would listen on ${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}, which ${ports.length === 1 ? 'is' : 'are'} taken:`,
  ];
  for (const check of held) lines.push(`- ${describePortCheck(check)}`);
  const services = held.flatMap((check) =>
    check.holder?.kind === 'lease' && check.holder.stack !== 'run' ? [check.holder.service] : [],
  );
  if (services.length > 0) lines.push(`To reach that service, read its port with \`styxy port ${services[0]}\`.`);
  lines.push(`To run it anyway, let Styxy lease a free port: \`${runSuggestion(command, ports)}\`.`);
  return lines.join('\n');
}

/**
 * The command under `styxy run`, with a leased port where it had a taken one: `PORT=3000 npm
 * start` → `styxy run -p PORT -- npm start`; `vite --port 3000` → `styxy run -p PORT -- sh -c
 * 'vite --port $PORT'`.
 */
export function runSuggestion(command: string, ports: readonly number[]): string {
  const names: string[] = [];
  let rest = command.trim();
  for (;;) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=['"]?(\d+)['"]?\s+/.exec(rest);
    if (!assignment || !ports.includes(Number(assignment[2]))) break;
    names.push(assignment[1]!);
    rest = rest.slice(assignment[0].length);
  }
  const left = ports.filter((port) => new RegExp(`\\b${port}\\b`).test(rest));
  if (left.length === 0) return `styxy run ${names.map((name) => `-p ${name}`).join(' ')} -- ${rest}`;
  const withPort = left.reduce((text, port) => text.replace(new RegExp(`\\b${port}\\b`, 'g'), '$PORT'), rest);
  const flags = [...new Set([...names, 'PORT'])].map((name) => `-p ${name}`).join(' ');
  return `styxy run ${flags} -- sh -c '${withPort.replace(/'/g, "'\\''")}'`;
}

/** Records this folder's stack as the session's, unless it runs already (then someone else started it). */
async function recordStart(sessionId: string, cwd: string, name: string | undefined): Promise<void> {
  const root = projectRoot(cwd);
  if (root === null) return;
  let stackName: string;
  try {
    stackName = stackNameOption(name);
  } catch {
    return;
  }
  const id = stackId(root, stackName);
  if ((await runningStacks(undefined, id)).length > 0) return;
  recordSessionStack(sessionId, { id, root, name: stackName });
}

async function sessionStacks(sessionId: string): Promise<StackInfo[]> {
  const found: StackInfo[] = [];
  for (const recorded of readSessionStacks(sessionId)) found.push(...(await runningStacks(undefined, recorded.id)));
  return found;
}

async function worktreeStacks(path: string): Promise<StackInfo[]> {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // Removed already: its stacks still have the path they were started in.
  }
  const inside = (root: string) =>
    [path, real].some((dir) => root === dir || root.startsWith(dir.endsWith(sep) ? dir : dir + sep));
  return (await runningStacks()).filter((stack) => inside(stack.root));
}

async function stopAll(stacks: readonly StackInfo[], after: () => void = () => {}): Promise<HookAnswer> {
  const log: string[] = [];
  const results = await stopStacks(stacks, {
    force: false,
    timeoutMs: STOP_TIMEOUT_MS,
    say: (text) => log.push(`styxy: ${text}`),
  });
  for (const result of results) {
    log.push(
      result.stopped
        ? `styxy: stopped ${result.project}/${result.name}`
        : `styxy: could not stop ${result.project}/${result.name}: ${result.problem}`,
    );
  }
  after();
  return { output: null, log };
}

function projectRoot(cwd: string): string | null {
  try {
    return locateConfig({ cwd }).root;
  } catch (error) {
    if (isStyxyError(error)) return null;
    throw error;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
