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

/** What `STYXY_STACK_SLUG` may hold: lower-case letters, digits and `_`, a letter first, ≤ 63. */
export const STACK_SLUG_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * `STYXY_STACK_SLUG`: a short name unique to the stack, safe as an identifier anywhere (a Postgres
 * database or role, a Redis key prefix, a shell variable): `<project>_<folder>[_<name>]_<hash>`,
 * lower case, at most 53 characters (each part cut short), the folder left out when it already starts with
 * the project's name (`shop-feature-x` → `shop_feature_x_1a2b3c`). The hash of the root and the
 * stack name makes two stacks' slugs differ even where their readable parts agree; it is stable,
 * so a stack keeps its slug (and its database) from one run to the next.
 */
export function stackSlug(projectRoot: string, name: string = DEFAULT_STACK_NAME, project?: string): string {
  const folder = identifierPart(basename(projectRoot), 20);
  const projectPart = identifierPart(project ?? '', 12);
  const parts: string[] = [];
  if (projectPart !== '' && !folder.startsWith(projectPart)) parts.push(projectPart);
  if (folder !== '') parts.push(folder);
  if (name !== DEFAULT_STACK_NAME) parts.push(identifierPart(name, 10));
  parts.push(createHash('sha256').update(`${projectRoot}\0${name}`).digest('hex').slice(0, 6));
  const slug = parts.filter((part) => part !== '').join('_');
  return /^[a-z]/.test(slug) ? slug : `s_${slug}`;
}

function identifierPart(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, max)
    .replace(/_+$/, '');
}
