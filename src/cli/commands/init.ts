/**
 * `styxy init [--from FILE] [--force]`: writes `styxy.config.ts` in the current folder, converted
 * from what the project already runs its processes with (config/init/: a Procfile, a
 * process-compose file, package.json scripts), or the commented starter when it has none of these.
 * Says what it found and what it wrote. Refuses (exit 1, nothing written) when the folder has a
 * config already, unless `--force` and that config is a styxy.config.ts it may overwrite.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { configsIn } from '../../config/discover.js';
import type { Draft } from '../../config/init/draft.js';
import { fromPackageScripts } from '../../config/init/package-scripts.js';
import { fromProcessCompose } from '../../config/init/process-compose.js';
import { fromProcfile } from '../../config/init/procfile.js';
import { renderDraft } from '../../config/init/render.js';
import { STARTER_CONFIG, STARTER_FILE_NAME } from '../../config/starter.js';
import { StyxyError } from '../../protocol/errors.js';
import { EXIT } from '../exit-codes.js';

interface Options {
  readonly from?: string;
  readonly force?: boolean;
}

type SourceKind = 'procfile' | 'process-compose' | 'package-scripts';

/** What `init` looks for, in this order (Procfile.dev first: in Rails apps it is the development one). */
const SOURCES: readonly (readonly [string, SourceKind])[] = [
  ['Procfile.dev', 'procfile'],
  ['Procfile', 'procfile'],
  ['process-compose.yaml', 'process-compose'],
  ['process-compose.yml', 'process-compose'],
  ['package.json', 'package-scripts'],
];

/** The lines `init` adds to .gitignore: local overrides stay out of the repository. */
const GITIGNORE_ENTRY = 'styxy.config.local.*';

export async function run(options: Options = {}): Promise<number> {
  const dir = process.cwd();
  const file = join(dir, STARTER_FILE_NAME);
  checkExisting(dir, file, options.force === true);
  const source = options.from === undefined ? findSource(dir) : fromOption(dir, options.from);
  const out = process.stdout;
  let text = STARTER_CONFIG;
  if (source) {
    const draft = await convert(source.file, source.kind);
    text = renderDraft(draft);
    out.write(`found ${relative(dir, source.file) || source.file}: ${describeFound(draft)}\n`);
    for (const other of source.others)
      out.write(`also found ${other} (\`styxy init --from ${other} --force\` to use it)\n`);
  } else {
    out.write('found no Procfile, process-compose.yaml or package.json dev/start script: writing a starter\n');
  }
  write(file, text, options.force === true, dir);
  out.write(`wrote ${file}\n`);
  if (addToGitignore(dir)) out.write(`added ${GITIGNORE_ENTRY} to ${join(dir, '.gitignore')}\n`);
  out.write(
    source
      ? 'next: `styxy config` to check it, `styxy up` to start it (read the comments: what did not map is noted there)\n'
      : "next: `styxy config` to see it resolved, `styxy up` to start it (edit the services to your project's)\n",
  );
  return EXIT.ok;
}

function describeFound(draft: Draft): string {
  const services = draft.services.map((service) => {
    const ports = Object.entries(service.config.ports ?? {}).map(([name, spec]) =>
      typeof spec === 'string'
        ? `${name}: ${spec}`
        : `${name}: ${spec.type ?? 'fixed'}${spec.preferred ? ` (prefers ${spec.preferred})` : ''}`,
    );
    return ports.length > 0 ? `${service.name} (${ports.join(', ')})` : service.name;
  });
  const skipped = draft.skipped.length > 0 ? `; left out: ${draft.skipped.map(([name]) => name).join(', ')}` : '';
  return `${draft.services.length} service${draft.services.length === 1 ? '' : 's'}: ${services.join(', ')}${skipped}`;
}

function checkExisting(dir: string, file: string, force: boolean): void {
  const found = configsIn(dir);
  if (found.length === 0) return;
  const names = found.map((path) => basename(path) + (basename(path) === 'package.json' ? ' ("styxy" key)' : ''));
  const onlyOurs = found.length === 1 && found[0] === file;
  if (force && onlyOurs) return;
  throw new StyxyError('STYXY_CONFIG_EXISTS', `a Styxy config already exists in ${dir}: ${names.join(', ')}`, {
    hint: onlyOurs
      ? 'edit it, run `styxy config` to see it resolved, or `styxy init --force` to write it again'
      : `edit it, or run \`styxy config\` to see it resolved${force ? `; --force overwrites only ${STARTER_FILE_NAME}` : ''}`,
    details: { files: found },
  });
}

interface Source {
  readonly file: string;
  readonly kind: SourceKind;
  /** Other sources in the folder, not used. */
  readonly others: readonly string[];
}

function findSource(dir: string): Source | null {
  const present = SOURCES.filter(([name, kind]) => {
    const path = join(dir, name);
    if (!isFile(path)) return false;
    return kind !== 'package-scripts' || hasDevScript(path);
  });
  const [first, ...rest] = present;
  if (!first) return null;
  return { file: join(dir, first[0]), kind: first[1], others: rest.map(([name]) => name) };
}

function fromOption(dir: string, from: string): Source {
  const file = resolve(dir, from);
  if (!isFile(file)) {
    throw new StyxyError('STYXY_INIT_SOURCE_INVALID', `cannot read ${file}: no such file`, {
      hint: 'give --from a Procfile, a process-compose YAML file or a package.json',
    });
  }
  const name = basename(file);
  const kind: SourceKind = /^Procfile/i.test(name)
    ? 'procfile'
    : name === 'package.json'
      ? 'package-scripts'
      : /\.ya?ml$/i.test(name)
        ? 'process-compose'
        : 'procfile';
  return { file, kind, others: [] };
}

async function convert(file: string, kind: SourceKind): Promise<Draft> {
  const name = basename(file);
  const text = readFileSync(file, 'utf8');
  try {
    switch (kind) {
      case 'procfile': {
        const draft = fromProcfile(text, name);
        if (draft.services.length === 0) throw new Error('no `name: command` line in it');
        return draft;
      }
      case 'process-compose': {
        const { defaultLoaders } = await import('cosmiconfig');
        return fromProcessCompose(defaultLoaders['.yaml'](file, text), name);
      }
      case 'package-scripts':
        return fromPackageScripts(JSON.parse(text), readdirSync(dirname(file)), name);
    }
  } catch (error) {
    throw new StyxyError('STYXY_INIT_SOURCE_INVALID', `cannot convert ${file}: ${(error as Error).message}`, {
      hint: 'fix it, give another file with --from, or run `styxy init` in an empty folder for a starter',
      cause: error,
    });
  }
}

function write(file: string, text: string, force: boolean, dir: string): void {
  try {
    // `wx`: never overwrite (unless --force), even a file created since the check above.
    writeFileSync(file, text, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') checkExisting(dir, file, false);
    throw error;
  }
}

/**
 * Adds `styxy.config.local.*` to the folder's .gitignore when the folder is in a git work tree
 * (a .gitignore, or a .git here or above); true when it added the line.
 */
function addToGitignore(dir: string): boolean {
  const gitignore = join(dir, '.gitignore');
  const exists = isFile(gitignore);
  if (!exists && !inGitWorkTree(dir)) return false;
  const current = exists ? readFileSync(gitignore, 'utf8') : '';
  if (current.split(/\r?\n/).some((line) => line.trim() === GITIGNORE_ENTRY)) return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  writeFileSync(gitignore, `${current}${separator}# Styxy: local overrides of styxy.config.*\n${GITIGNORE_ENTRY}\n`);
  return true;
}

function inGitWorkTree(dir: string): boolean {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}

function hasDevScript(file: string): boolean {
  try {
    const scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, unknown> }).scripts;
    return typeof scripts?.dev === 'string' || typeof scripts?.start === 'string';
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
