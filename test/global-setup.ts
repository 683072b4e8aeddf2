import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Integration and e2e tests start real processes from dist/ (the coordinator daemon, the CLI,
 * background supervisors), so dist/ must match src/. Rebuilds (tsc, then esbuild's bundles: a few
 * seconds) when any source file is newer than the build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (newest(join(root, 'src')) <= built(join(root, 'dist', 'cli', 'bin.js'))) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

function built(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
