/**
 * Code comments refer to sections of docs/architecture.md by name (`docs/architecture.md,
 * "Statuses"`), and likewise of the other docs (`docs/security.md, "Measurements"`): each name
 * must be a heading of that document, so a renamed section cannot leave comments pointing nowhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|tsx|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The headings of docs/<doc>, or none when there is no such document. */
function headingsOf(doc: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(join(ROOT, 'docs', doc), 'utf8');
  } catch {
    return new Set();
  }
  return new Set([...text.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.trim()));
}

describe('docs references', () => {
  const references = ['src', 'test', 'bench', 'stress'].flatMap((dir) =>
    files(join(ROOT, dir)).flatMap((file) => {
      // A reference may run over a comment's line break: `…, "Service\n * types"`.
      const text = readFileSync(file, 'utf8').replace(/\n\s*(?:\*|\/\/)\s*/g, ' ');
      return [...text.matchAll(/docs\/([a-z-]+\.md), "([^"]+)"/g)].map((m) => ({
        file: relative(ROOT, file),
        doc: m[1]!,
        section: m[2]!,
      }));
    }),
  );

  it('name sections that exist', () => {
    expect(references.filter((ref) => ref.doc === 'architecture.md').length).toBeGreaterThan(5);
    expect(references.filter((ref) => ref.doc === 'security.md').length).toBeGreaterThan(2);
    expect(references.filter((ref) => !headingsOf(ref.doc).has(ref.section))).toEqual([]);
  });

  it('replace every reference to a document the repo does not have', () => {
    // Spelled in two pieces so that this file does not match itself (nor a grep for the word).
    const gone = new RegExp(`${'DES'}IGN §`);
    const stale = ['src', 'test', 'bench', 'stress'].flatMap((dir) =>
      files(join(ROOT, dir)).filter((file) => gone.test(readFileSync(file, 'utf8'))),
    );
    expect(stale.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
