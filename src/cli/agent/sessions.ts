/**
 * Which stacks a Claude Code session started, so that its SessionEnd hook stops those and no
 * others. Claude Code tells a hook the session's id but puts it in no environment a command sees,
 * so the PreToolUse hook records it: when a Bash command runs `styxy up` (or the MCP `up` tool is
 * called) while this folder's stack is not running, the stack is this session's. One file per
 * session, `$STYXY_HOME/agent-sessions/<hash of the id>.jsonl`, a line per stack; SessionEnd
 * reads and removes it.
 */
import { createHash } from 'node:crypto';
import { closeSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { styxyHome } from '../../protocol/home.js';
import { ensurePrivateDir, openOwnFile, readOwnText, writeFully } from '../../protocol/private-fs.js';

export interface SessionStack {
  readonly id: string;
  readonly root: string;
  readonly name: string;
}

/** At most this many stacks are kept for one session (a session starting more is a runaway loop). */
const MAX_STACKS = 256;

function sessionFile(sessionId: string, home: string): string {
  const hash = createHash('sha256').update(sessionId).digest('hex').slice(0, 32);
  return join(home, 'agent-sessions', `${hash}.jsonl`);
}

export function recordSessionStack(sessionId: string, stack: SessionStack, home: string = styxyHome()): void {
  if (readSessionStacks(sessionId, home).some((known) => known.id === stack.id)) return;
  if (readSessionStacks(sessionId, home).length >= MAX_STACKS) return;
  ensurePrivateDir(join(home, 'agent-sessions'));
  const fd = openOwnFile(sessionFile(sessionId, home), 'append');
  try {
    writeFully(fd, `${JSON.stringify(stack)}\n`);
  } finally {
    closeSync(fd);
  }
}

export function readSessionStacks(sessionId: string, home: string = styxyHome()): SessionStack[] {
  let text: string;
  try {
    text = readOwnText(sessionFile(sessionId, home));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stacks: SessionStack[] = [];
  for (const line of text.split('\n')) {
    try {
      const value = JSON.parse(line) as Partial<SessionStack>;
      if (typeof value.id === 'string' && typeof value.root === 'string' && typeof value.name === 'string') {
        stacks.push({ id: value.id, root: value.root, name: value.name });
      }
    } catch {
      // An empty or cut line: skipped.
    }
  }
  return stacks;
}

export function forgetSession(sessionId: string, home: string = styxyHome()): void {
  try {
    unlinkSync(sessionFile(sessionId, home));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
