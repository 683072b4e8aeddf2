/**
 * Run tokens (os/tag.ts) name what the coordinator kills when an owner dies: every process whose
 * STYXY_TAG carries the token. So a token belongs to the first owner that presents it (with a
 * stack registration, a `styxy run` reservation or a process report) for as long as that owner
 * lives; another owner presenting it is refused, and tokens never leave the coordinator to
 * other owners (`listStacks` leaves them out).
 */
import { StyxyError } from '../protocol/errors.js';
import type { Context } from './context.js';
import type { Owner } from './state.js';

/** The owner other than `owner` that holds `token` (as its own or its stack's), or null. */
export function tokenHolder(core: Context, owner: Owner, token: string): Owner | null {
  for (const other of core.state.owners.values()) {
    if (other.id !== owner.id && other.runTokens.has(token)) return other;
  }
  for (const stack of core.state.stacks.values()) {
    if (stack.owner !== owner.id && stack.registration.runToken === token) {
      return core.state.owners.get(stack.owner) ?? null;
    }
  }
  return null;
}

/** Throws STYXY_NOT_OWNER when another owner holds `token`. */
export function assertOwnToken(core: Context, owner: Owner, token: string): void {
  const holder = tokenHolder(core, owner, token);
  if (holder === null) return;
  throw new StyxyError('STYXY_NOT_OWNER', `that run token belongs to another client (pid ${holder.pid})`, {
    hint: 'each stack run and each `styxy run` makes a token of its own (os/tag.ts `newRunToken`)',
  });
}
