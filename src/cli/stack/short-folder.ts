/**
 * A project folder as people read it in `ls` and `ps`: the home folder as `~`, and a path too
 * long for a column cut in the middle, keeping its first folder and as many of its last ones as
 * fit (`~/src/…/shop-wt/feature-x`). Worktrees of one repository differ in their last folders,
 * so those are what is kept.
 */
import { homedir } from 'node:os';
import { sep } from 'node:path';

export const FOLDER_WIDTH = 40;
const ELLIPSIS = '…';

export function shortFolder(folder: string, options: { home?: string; width?: number } = {}): string {
  const home = options.home ?? homedir();
  const width = options.width ?? FOLDER_WIDTH;
  let path = folder;
  if (home && home !== sep && (path === home || path.startsWith(home + sep))) path = `~${path.slice(home.length)}`;
  if (path.length <= width) return path;
  const parts = path.split(sep);
  // `~`, or `/first` for an absolute path (its first part is empty).
  const headCount = parts[0] === '' ? 2 : 1;
  const head = parts.slice(0, headCount).join(sep);
  const tail: string[] = [];
  for (let i = parts.length - 1; i >= headCount; i--) {
    const candidate = [head, ELLIPSIS, parts[i], ...tail].join(sep);
    if (candidate.length > width && tail.length > 0) break;
    tail.unshift(parts[i]!);
  }
  const joined = [head, ELLIPSIS, ...tail].join(sep);
  if (joined.length <= width) return joined;
  // Even the last folder alone does not fit: cut its own middle.
  const last = tail.at(-1)!;
  const keep = Math.max(1, width - 1);
  return `${last.slice(0, Math.ceil(keep / 2))}${ELLIPSIS}${last.slice(last.length - Math.floor(keep / 2))}`;
}
