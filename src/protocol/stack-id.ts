/**
 * A stack is identified by its project root's real path plus a stack name (`default` unless
 * `--name` is given). The id is readable (folder and name first) and stable (a hash of both), and
 * safe as a folder name: `$STYXY_HOME/stacks/<stack-id>/`.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';

export const DEFAULT_STACK_NAME = 'default';

/** Stack names: what `--name` accepts. */
export const STACK_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function stackId(projectRoot: string, name: string = DEFAULT_STACK_NAME): string {
  const folder =
    basename(projectRoot)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 40) || 'root';
  const hash = createHash('sha256').update(`${projectRoot}\0${name}`).digest('hex').slice(0, 10);
  return `${folder}-${name}-${hash}`;
}
