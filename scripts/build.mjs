// Builds dist/ from src/ with tsc (no bundler: the CLI loads each command lazily). Runs on
// `npm install` and `npm ci` in a clone (preprepare), so a clean clone needs no extra step, and
// before `npm pack` (prepack). Not `prepare`: npm lists a `prepare` of a package installed from a
// tarball as an install script ("npm warn install-scripts"), though it never runs it there; a
// git install runs `npm install` in its clone (because of prepack), which runs preprepare.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
chmodSync(join(root, 'dist', 'cli', 'bin.js'), 0o755);
