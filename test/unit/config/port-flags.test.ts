import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PORT_FLAG_RULES, portFlagFor } from '../../../src/config/port-flags.js';
import type { ResolvedCommand } from '../../../src/config/types.js';

const shell = (text: string): ResolvedCommand => ({ kind: 'shell', shell: text });
const argv = (...words: string[]): ResolvedCommand => ({ kind: 'argv', argv: words });

describe('port flags for dev servers that ignore PORT', () => {
  it.each([
    ['vite', '--port $PORT --strictPort'],
    ['vite dev', '--port $PORT --strictPort'],
    ['npx vite', '--port $PORT --strictPort'],
    ['pnpm exec vite --host', '--port $PORT --strictPort'],
    ['cd web && vite', '--port $PORT --strictPort'],
    ['NODE_ENV=development vite > web.log', '--port $PORT --strictPort'],
    ['./node_modules/.bin/vite', '--port $PORT --strictPort'],
    ['vitepress dev docs', '--port $PORT --strictPort'],
    ['astro dev', '--port $PORT'],
    ['storybook dev', '--port $PORT --exact-port'],
    ['start-storybook', '--port $PORT --exact-port'],
    ['webpack serve --mode development', '--port $PORT'],
    ['webpack-dev-server', '--port $PORT'],
    ['ng serve', '--port $PORT'],
    ['nuxi dev', '--port $PORT'],
    ['hugo server -D', '--port $PORT'],
    ['mkdocs serve', '--dev-addr 127.0.0.1:$PORT'],
    ['bundle exec jekyll serve', '--port $PORT'],
    ['python manage.py runserver', '$PORT'],
    ['python3 -m flask run', '--port $PORT'],
    ['uvicorn app.main:app --reload', '--port $PORT'],
    ['bin/rails server', '-p $PORT'],
    ['bundle exec rails s', '-p $PORT'],
  ])('%s gets %s', (command, args) => {
    expect(portFlagFor(shell(command))?.args.join(' ')).toBe(args);
  });

  it.each([
    'vite --port 5173',
    'vite --port=$PORT',
    'vite --strictPort',
    'next dev',
    'node server.js',
    'vite build',
    'python manage.py runserver 0.0.0.0:8000',
    'rails s -p 3000',
    'uvicorn app:app --fd 3',
    'vite && echo done',
    'vite &',
    'sh -c "vite"',
    'flask routes',
    'webpack --mode production',
    'vite optimize',
  ])('%s is left alone', (command) => {
    expect(portFlagFor(shell(command))).toBeNull();
  });

  it('reads argv commands too', () => {
    expect(portFlagFor(argv('npx', 'vite'))?.tool).toBe('vite');
    expect(portFlagFor(argv('vite', '--port', '1'))).toBeNull();
  });

  it('has one row per tool (the documented table)', () => {
    expect(new Set(PORT_FLAG_RULES.map((rule) => rule.tool)).size).toBe(PORT_FLAG_RULES.length);
  });
});

describe('docs/configuration.md', () => {
  it('lists every tool of the table', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('**Dev servers that ignore PORT.**'), doc.indexOf('**Stop commands.**'));
    for (const rule of PORT_FLAG_RULES) expect(section, rule.tool).toContain(`\`${rule.tool}\``);
  });
});
