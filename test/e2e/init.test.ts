/**
 * `styxy init` as a new user runs it: in a folder with only a Procfile (or a process-compose
 * file, or nothing), then `styxy up -d` starts what it wrote and `styxy down` stops it. Also
 * `--from`, `--force`, the refusal, and the .gitignore line in a git work tree.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { onlyTypes } from '../helpers/coordinator.js';
import { NODE } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

let bg: BackgroundHome | undefined;
afterEach(async () => {
  await bg?.cleanup();
  bg = undefined;
});

function folder(name: string, files: Record<string, string>): string {
  const dir = join(bg!.home.home, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

// A web server on $PORT and a worker that reaches it through $WEB_PORT, as Procfiles pass ports.
const server = `${NODE} -e "require('node:http').createServer((q, s) => s.end('web')).listen(process.env.PORT)"`;
const worker = `${NODE} -e "setInterval(() => fetch('http://localhost:' + process.argv[1]).then((r) => r.text()).then(console.log), 200)" $WEB_PORT`;
const PROCFILE = `# processes of this app\n\nweb: ${server}\nworker: ${worker}\n`;

describe('styxy init', () => {
  it('a folder with only a Procfile: init writes a config that up -d starts and down stops', async () => {
    bg = makeBackgroundHome({ sizes: onlyTypes({ dev: 2 }) });
    const dir = folder('app', { Procfile: PROCFILE });
    const init = await bg.cli(dir, ['init']);
    expect(init).toMatchObject({ code: 0, stderr: '' });
    expect(init.stdout).toContain('found Procfile: 2 services: web (PORT: dev), worker\n');
    expect(init.stdout).toContain(`wrote ${dir}/styxy.config.ts\n`);
    expect(readdirSync(dir).sort()).toEqual(['Procfile', 'styxy.config.ts']);
    expect((await bg.cli(dir, ['config'])).code).toBe(0);

    const up = await bg.upDetached(dir);
    const web = up.services.find((service) => service.name === 'web')!;
    expect(web.status).toBe('ready');
    expect(web.ports.PORT).toBe(bg.home.ranges.dev![0]);
    expect(await (await fetch(`http://localhost:${web.ports.PORT}/`)).text()).toBe('web');
    // The worker got the web's leased port through ${web.PORT}.
    await waitFor(async () => (await bg!.cli(dir, ['logs', 'worker'])).stdout.includes('web'), {
      message: 'the worker to reach web',
    });

    const down = await bg.cli(dir, ['down']);
    expect(down.code).toBe(0);
    await waitFor(() => bg!.leftovers().length === 0, { message: 'nothing left running' });
  });

  it('--from picks the source; --force overwrites only styxy.config.ts; a second init refuses', async () => {
    bg = makeBackgroundHome();
    const dir = folder('app', {
      Procfile: 'web: node web.js -p $PORT\n',
      'process-compose.yaml':
        'version: "0.5"\nprocesses:\n  api:\n    command: node api.js\n    environment:\n      - "PORT=8080"\n',
    });
    const first = await bg.cli(dir, ['init']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('found Procfile: 1 service: web (PORT: dev)');
    expect(first.stdout).toContain(
      'also found process-compose.yaml (`styxy init --from process-compose.yaml --force` to use it)',
    );

    const again = await bg.cli(dir, ['init']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^styxy: a Styxy config already exists in .*: styxy\.config\.ts\nhint: .*--force/);

    const forced = await bg.cli(dir, ['init', '--from', 'process-compose.yaml', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('found process-compose.yaml: 1 service: api (PORT: api (prefers 8080))');
    const written = readFileSync(join(dir, 'styxy.config.ts'), 'utf8');
    expect(written).toContain("ports: { PORT: { type: 'api', preferred: 8080 } }");
    expect(written).toContain('// PORT=8080 became a leased port that prefers 8080');

    const missing = await bg.cli(dir, ['init', '--from', 'Procfile.nope', '--force']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('styxy: cannot read');
    const bad = folder('bad', { 'process-compose.yaml': 'processes: [1, 2\n' });
    const broken = await bg.cli(bad, ['init']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^styxy: cannot convert .*process-compose\.yaml: /);
    expect(existsSync(join(bad, 'styxy.config.ts'))).toBe(false);

    // Another form of config is never overwritten, --force or not.
    const other = folder('other', { '.styxyrc.json': '{"services":{"a":{"command":"true"}}}', Procfile: 'web: x\n' });
    const refused = await bg.cli(other, ['init', '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force overwrites only styxy.config.ts');
  });

  it('in a git work tree it adds styxy.config.local.* to .gitignore, once', async () => {
    bg = makeBackgroundHome();
    const dir = folder('repo', { '.gitignore': 'node_modules/', 'package.json': '{"scripts":{"dev":"vite"}}' });
    mkdirSync(join(dir, '.git'));
    const init = await bg.cli(dir, ['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('found package.json: 1 service: web (PORT: dev (prefers 5173))');
    expect(init.stdout).toContain(`added styxy.config.local.* to ${dir}/.gitignore`);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(
      'node_modules/\n# Styxy: local overrides of styxy.config.*\nstyxy.config.local.*\n',
    );
    expect(readFileSync(join(dir, 'styxy.config.ts'), 'utf8')).toContain(
      "command: 'npm run dev -- --port $PORT --strictPort'",
    );
    expect((await bg.cli(dir, ['init', '--force'])).stdout).not.toContain('.gitignore');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').match(/styxy\.config\.local/g)).toHaveLength(1);
  });

  it('with nothing to convert, the starter', async () => {
    bg = makeBackgroundHome();
    const dir = folder('empty', {});
    const init = await bg.cli(dir, ['init']);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(
      /^found no Procfile, process-compose\.yaml or package\.json dev\/start script: writing a starter\n/,
    );
    expect(readFileSync(join(dir, 'styxy.config.ts'), 'utf8')).toContain('docs/configuration.md');
  });
});
