/**
 * The README stays a front door (at most 12 KB), and no link in it or in docs/ leads nowhere:
 * every relative link names a file that exists, and every #anchor a heading of that file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../../src/cli/help.js';
import { DEFAULT_TYPES } from '../../../src/protocol/service-types.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    found.add(
      match[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return found;
}

/** `[text](target)` links outside code, with the line they are on. */
function links(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  let inFence = false;
  markdown.split('\n').forEach((text, index) => {
    if (text.startsWith('```')) inFence = !inFence;
    if (inFence) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) found.push({ target: match[1]!, line: index + 1 });
  });
  return found;
}

describe('the docs', () => {
  it('README.md is at most 12 KB and has an Install section', () => {
    const readme = readFileSync(join(ROOT, 'README.md'));
    expect(readme.length).toBeLessThanOrEqual(12 * 1024);
    expect(readme.toString()).toMatch(/^## Install$/m);
  });

  it.each(DOCS)('every relative link in %s leads somewhere', (doc) => {
    const file = join(ROOT, doc);
    const broken: string[] = [];
    for (const { target, line } of links(readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const linked = path === '' ? file : resolve(dirname(file), path);
      const shown = relative(ROOT, linked);
      if (!existsSync(linked)) {
        broken.push(`${doc}:${line}: ${target} (no ${shown})`);
        continue;
      }
      if (anchor !== undefined && statSync(linked).isFile() && !anchors(readFileSync(linked, 'utf8')).has(anchor)) {
        broken.push(`${doc}:${line}: ${target} (no heading #${anchor} in ${shown})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the link check sees links, anchors and missing files', () => {
    expect(links('see [a](b.md#c) and `[x](y)`\n```\n[in](code)\n```\n[d](https://e)')).toEqual([
      { target: 'b.md#c', line: 1 },
      { target: 'https://e', line: 5 },
    ]);
    expect([...anchors('# Hello, World\n## `styxy init`: from a Procfile\n```\n# not a heading\n```')]).toEqual([
      'hello-world',
      'styxy-init-from-a-procfile',
    ]);
  });

  it('configuration.md lists the default service types as Styxy has them', () => {
    const text = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    const rows = [...text.matchAll(/^\| ([a-z]+) +\| (\d+)–(\d+) +\| (.+?) +\|$/gm)].map((m) => ({
      name: m[1],
      range: [Number(m[2]), Number(m[3])],
      description: m[4],
    }));
    expect(rows).toEqual(
      DEFAULT_TYPES.map(({ name, range, description }) => ({ name, range: [...range], description })),
    );
  });

  it('commands.md describes every environment variable the help names', () => {
    const text = readFileSync(join(ROOT, 'docs/commands.md'), 'utf8');
    for (const name of Object.keys(ENVIRONMENT)) expect(text).toMatch(new RegExp(`^\\| \`${name}\` `, 'm'));
  });
});
