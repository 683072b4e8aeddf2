// Fails (exit 1) if the installed tree holds protestware: any `peacenotwar` package, or a
// node-ipc other than the reviewed 14.0.0 (9.2.2, 10.1.1–10.1.3 and 11.x wrote files or worse).
// Checks both the lockfile and what is really in node_modules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED_NODE_IPC = '14.0.0';
const problems = [];

function check(name, version, where) {
  if (name === 'peacenotwar') problems.push(`peacenotwar ${version} at ${where}`);
  if (name === 'node-ipc' && version !== ALLOWED_NODE_IPC) {
    problems.push(`node-ipc ${version} at ${where} (only ${ALLOWED_NODE_IPC} is allowed)`);
  }
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const name = entry.name ?? path.split('node_modules/').at(-1);
  check(name, entry.version, `package-lock.json "${path}"`);
}

let scanned = 0;
function walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin' || entry.name === '.cache') continue;
    const full = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      walk(full);
      continue;
    }
    const manifest = join(full, 'package.json');
    if (existsSync(manifest)) {
      scanned++;
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
        check(pkg.name ?? entry.name, pkg.version, full);
      } catch {
        // A package.json that is not JSON is not a package we load.
      }
    }
    if (entry.name === 'peacenotwar') problems.push(`peacenotwar folder at ${full}`);
    walk(join(full, 'node_modules'));
  }
}
walk(join(root, 'node_modules'));

if (scanned === 0) problems.push('node_modules is empty: run `npm ci` first');
if (problems.length > 0) {
  console.error(`dependency check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`dependency check: ${scanned} installed packages, node-ipc ${ALLOWED_NODE_IPC} only, no peacenotwar`);
