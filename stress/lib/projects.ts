/**
 * Project folders for the stacks of a stress run: copies of an example of examples/, with the
 * config importing `styxy` as a user's would (the loader provides it), or inline configs.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

/** Copies examples/<name> into `dir` (created); returns `dir`. */
export function copyExample(name: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const source = join(EXAMPLES, name);
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    if (entry.name === 'styxy.config.ts') {
      const text = readFileSync(join(source, entry.name), 'utf8');
      writeFileSync(join(dir, entry.name), text.replace(/from '(\.\.\/)+src\/index\.ts'/, "from 'styxy'"));
    } else copyFileSync(join(source, entry.name), join(dir, entry.name));
  }
  return dir;
}

/** A project whose config is `config` (as `.styxyrc.json`: JSON loads fastest). */
export function writeProject(dir: string, config: object): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.styxyrc.json'), `${JSON.stringify(config, null, 2)}\n`);
  return dir;
}
