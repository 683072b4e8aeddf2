/**
 * The folders of src/ import one way (docs/architecture.md, "Folders and what each may import"):
 * this reads every import of every source file and fails on one that goes the wrong way, so the
 * table stays true.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Folder → the folders of ours it may import (besides itself). `ui` takes the supervisor's view types only. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  protocol: [],
  transport: ['protocol'],
  os: ['protocol'],
  config: ['protocol'],
  coordinator: ['protocol', 'transport', 'os'],
  client: ['protocol', 'transport', 'os'],
  supervisor: ['config', 'client', 'protocol', 'transport', 'os'],
  ui: ['protocol', 'supervisor'],
  cli: ['ui', 'supervisor', 'client', 'coordinator', 'config', 'protocol', 'transport', 'os'],
  // The package's entry (src/index.ts): `defineConfig` and the config types.
  '.': ['config'],
};

interface Import {
  readonly file: string;
  readonly target: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every static and dynamic import of the file, with whether it brings types only. */
function importsOf(file: string): Import[] {
  const source = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
    found.push({ file, target: match[3]!, typeOnly: match[2] !== undefined });
  }
  for (const match of source.matchAll(/^\s*import\s+'([^']+)'/gm))
    found.push({ file, target: match[1]!, typeOnly: false });
  for (const match of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) {
    // `typeof import('x')` in a type position brings no code.
    const before = source.slice(Math.max(0, match.index - 7), match.index);
    found.push({ file, target: match[1]!, typeOnly: before.endsWith('typeof ') });
  }
  return found;
}

/** The top folder of src/ a path is in (`.` for src/ itself). */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length === 1 ? '.' : parts[0]!;
}

const files = sourceFiles(SRC);
const imports = files.flatMap(importsOf);
const ours = imports.filter((entry) => entry.target.startsWith('.'));

describe('layering', () => {
  it('reads every source file and finds its imports', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(ours.length).toBeGreaterThan(300);
    expect(Object.keys(MAY_IMPORT).sort()).toEqual([...new Set(files.map(folderOf))].sort());
  });

  it('no folder imports one it may not', () => {
    const wrong = ours.flatMap((entry) => {
      const from = folderOf(entry.file);
      const to = folderOf(resolve(dirname(entry.file), entry.target));
      if (to === from || MAY_IMPORT[from]!.includes(to)) return [];
      return [`${relative(SRC, entry.file)} imports ${entry.target} (${from} → ${to})`];
    });
    expect(wrong).toEqual([]);
  });

  it('the UI takes only types from the supervisor, and only its StackView (supervisor/view.ts)', () => {
    const wrong = ours.flatMap((entry) => {
      const target = resolve(dirname(entry.file), entry.target);
      if (folderOf(entry.file) !== 'ui' || folderOf(target) !== 'supervisor') return [];
      const ok = entry.typeOnly && relative(SRC, target) === join('supervisor', 'view.js');
      return ok ? [] : [`${relative(SRC, entry.file)} imports ${entry.target}`];
    });
    expect(wrong).toEqual([]);
  });

  it('only transport/ipc.ts imports node-ipc', () => {
    const users = imports.filter((entry) => /^node-ipc($|\/)/.test(entry.target) && !entry.typeOnly);
    expect([...new Set(users.map((entry) => relative(SRC, entry.file)))]).toEqual([join('transport', 'ipc.ts')]);
  });
});
