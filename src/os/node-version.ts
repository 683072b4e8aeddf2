/**
 * The oldest Node.js Styxy runs on (package.json's `engines`), checked by every entry point
 * before it loads anything else: on an older Node, Styxy would fail as it loads (the background
 * supervisor needs `module.enableCompileCache`, for one), which would read as a bug in Styxy. This module must itself load on any Node: no imports.
 */
export const MIN_NODE = { major: 22, minor: 13 } as const;

/** Whether `version` (`process.versions.node`, e.g. `20.20.2`) is older than MIN_NODE. */
export function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major < MIN_NODE.major || (major === MIN_NODE.major && minor < MIN_NODE.minor);
}

/** What to do about an old Node: one line a user can act on. */
export const NODE_HINT =
  'install Node.js 22.13 or newer (`nvm install 22`, `fnm install 22`, `volta install node@22`, or a new enough nodejs package of your distribution) and run styxy with it';

/** The refusal an entry point prints: the one-line cause and the hint, or null when this Node will do. */
export function nodeVersionRefusal(version: string, who = 'styxy'): string | null {
  if (!nodeTooOld(version)) return null;
  return `${who}: needs Node.js ${MIN_NODE.major}.${MIN_NODE.minor} or newer; this is Node.js ${version}\nhint: ${NODE_HINT}\n`;
}

/**
 * For entry points: on a Node older than MIN_NODE, prints the refusal and exits 1. Returns when
 * this Node will do, so the caller can go on to `await import()` the rest.
 */
export function exitIfNodeTooOld(who = 'styxy'): void {
  const refusal = nodeVersionRefusal(process.versions.node, who);
  if (refusal === null) return;
  process.stderr.write(refusal);
  process.exit(1);
}
