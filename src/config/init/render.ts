/**
 * Writes a draft out as `styxy.config.ts` source: `defineConfig({ … })` with the draft's
 * comments, two-space indents and single-quoted strings, as a person would write it.
 */
import type { Draft } from './draft.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function renderDraft(draft: Draft): string {
  const lines: string[] = [];
  for (const line of draft.header) lines.push(comment(line, ''));
  lines.push("import { defineConfig } from 'styxy';", '', 'export default defineConfig({', '  services: {');
  draft.services.forEach((service, index) => {
    if (index > 0) lines.push('');
    for (const line of service.comments) lines.push(comment(line, '    '));
    lines.push(`    ${key(service.name)}: ${literal(service.config, '    ', false)},`);
  });
  for (const [name, why] of draft.skipped) lines.push('', comment(`${name}: not included (${why})`, '    '));
  lines.push('  },', '});', '');
  return lines.join('\n');
}

function comment(text: string, indent: string): string {
  return text === '' ? `${indent}//` : `${indent}// ${text.replaceAll('\n', ' ')}`;
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

function quote(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/**
 * A value as source: an object on one line when it is short and at most two levels deep (unless
 * `inline` is false), else one key a line.
 */
export function literal(value: unknown, indent: string, inline = true): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, indent)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    if (inline && depth(value) <= 2) {
      const line = `{ ${entries.map(([name, item]) => `${key(name)}: ${literal(item, indent)}`).join(', ')} }`;
      if (indent.length + line.length <= 90) return line;
    }
    const inner = `${indent}  `;
    const body = entries.map(([name, item]) => `${inner}${key(name)}: ${literal(item, inner)},`);
    return `{\n${body.join('\n')}\n${indent}}`;
  }
  throw new Error(`cannot write ${String(value)} into a config`);
}

function depth(value: unknown): number {
  if (typeof value !== 'object' || value === null || value instanceof RegExp) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depth));
}
