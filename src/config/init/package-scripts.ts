/**
 * A package.json's `dev` (else `start`) script as a service, run through the project's package
 * manager. A script that runs a known dev server gets a leased port, passed the way that server
 * takes it, preferring the server's usual port; any other script runs as is, without a port.
 */
import type { PortOptions, ServiceConfig } from '../types.js';
import type { Draft } from './draft.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

interface DevServer {
  /** How the script's command starts. */
  readonly match: RegExp;
  readonly label: string;
  /** Arguments that give it the port; '' when it reads $PORT itself. */
  readonly portArgs: string;
  readonly port: PortOptions;
}

const DEV_SERVERS: readonly DevServer[] = [
  {
    match: /^vite(\s|$)(?!build|preview)/,
    label: 'Vite',
    portArgs: '--port $PORT --strictPort',
    port: { type: 'dev', preferred: 5173 },
  },
  { match: /^next\s+dev\b/, label: 'Next.js', portArgs: '--port $PORT', port: { type: 'dev', preferred: 3000 } },
  { match: /^(nuxt|nuxi)\s+dev\b/, label: 'Nuxt', portArgs: '--port $PORT', port: { type: 'dev', preferred: 3000 } },
  { match: /^astro\s+dev\b/, label: 'Astro', portArgs: '--port $PORT', port: { type: 'dev', preferred: 4321 } },
  { match: /^remix\s+(vite:)?dev\b/, label: 'Remix', portArgs: '--port $PORT', port: { type: 'dev', preferred: 5173 } },
  {
    match: /^react-scripts\s+start\b/,
    label: 'Create React App',
    portArgs: '',
    port: { type: 'dev', preferred: 3000 },
  },
  {
    match: /^(webpack\s+(serve|server)|webpack-dev-server)\b/,
    label: 'webpack-dev-server',
    portArgs: '--port $PORT',
    port: { type: 'dev', preferred: 8080 },
  },
  { match: /^ng\s+serve\b/, label: 'Angular', portArgs: '--port $PORT', port: { type: 'dev', preferred: 4200 } },
  {
    match: /^parcel(\s|$)(?!build)/,
    label: 'Parcel',
    portArgs: '--port $PORT',
    port: { type: 'dev', preferred: 1234 },
  },
  { match: /^gatsby\s+develop\b/, label: 'Gatsby', portArgs: '--port $PORT', port: { type: 'dev', preferred: 8000 } },
  {
    match: /^(storybook\s+dev|start-storybook)\b/,
    label: 'Storybook',
    portArgs: '--port $PORT',
    port: { type: 'storybook', preferred: 6006 },
  },
  {
    match: /^docusaurus\s+start\b/,
    label: 'Docusaurus',
    portArgs: '--port $PORT',
    port: { type: 'docs', preferred: 3000 },
  },
  {
    match: /^vitepress\s+dev\b/,
    label: 'VitePress',
    portArgs: '--port $PORT',
    port: { type: 'docs', preferred: 5173 },
  },
  {
    match: /^svelte-kit\s+dev\b/,
    label: 'SvelteKit',
    portArgs: '--port $PORT',
    port: { type: 'dev', preferred: 5173 },
  },
];

/** `pnpm-lock.yaml` → pnpm, and so on; npm without a lock file of another manager. */
export function packageManagerOf(files: readonly string[]): PackageManager {
  if (files.includes('pnpm-lock.yaml')) return 'pnpm';
  if (files.includes('yarn.lock')) return 'yarn';
  if (files.includes('bun.lockb') || files.includes('bun.lock')) return 'bun';
  return 'npm';
}

/** The dev server a script starts, if it is one command we know (not `a && b`, not a pipe). */
export function devServerOf(script: string): DevServer | null {
  if (/&&|\|\||[;|&]/.test(script)) return null;
  const words = script
    .trim()
    .replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*/, '')
    .replace(/^(?:npx|pnpm\s+exec|yarn|bunx)\s+/, '');
  return DEV_SERVERS.find((server) => server.match.test(words)) ?? null;
}

/** `web` for a front-end dev server, `storybook` or `docs` for those, else `app`. */
function serviceName(server: DevServer | null): string {
  if (server === null) return 'app';
  return server.port.type === 'dev' ? 'web' : (server.port.type ?? 'web');
}

function runScript(manager: PackageManager, script: string, args: string): string {
  if (args === '') return `${manager} run ${script}`;
  // npm needs `--` before the script's own arguments; pnpm, yarn and bun pass them on as they are.
  return manager === 'npm' ? `npm run ${script} -- ${args}` : `${manager} run ${script} ${args}`;
}

export function fromPackageScripts(packageJson: unknown, files: readonly string[], source = 'package.json'): Draft {
  const scripts =
    typeof packageJson === 'object' && packageJson !== null
      ? ((packageJson as { scripts?: unknown }).scripts as Record<string, unknown> | undefined)
      : undefined;
  const scriptName = ['dev', 'start'].find(
    (name) => typeof scripts?.[name] === 'string' && String(scripts[name]).trim() !== '',
  );
  if (scripts === undefined || scriptName === undefined) throw new Error(`${source} has no "dev" or "start" script`);
  const script = String(scripts[scriptName]);
  const manager = packageManagerOf(files);
  const server = devServerOf(script);
  const comments = [`${source} script "${scriptName}": ${script}`];
  let config: ServiceConfig;
  if (server) {
    config = { command: runScript(manager, scriptName, server.portArgs), ports: { PORT: server.port } };
    comments.push(
      server.portArgs === ''
        ? `${server.label} reads its port from $PORT, which Styxy sets to the leased port`
        : `${server.label} gets the leased port as ${server.portArgs.replace(' --strictPort', '')}`,
    );
  } else {
    config = { command: runScript(manager, scriptName, '') };
    comments.push(
      "not a dev server Styxy knows: no port leased. If it listens on one, add `ports: { PORT: 'dev' }`",
      'and make it listen on $PORT.',
    );
  }
  const others = Object.keys(scripts).filter(
    (name) => name !== scriptName && /^(dev|start|serve|storybook|docs)(:|$)/.test(name),
  );
  if (others.length > 0)
    comments.push(`other scripts that may be services: ${others.join(', ')} (add them as services if they are)`);
  const name =
    typeof (packageJson as { name?: unknown }).name === 'string' ? (packageJson as { name: string }).name : undefined;
  return {
    source,
    header: [
      `Styxy config written by \`styxy init\` from ${source}${name ? ` (${name})` : ''}. Add your other`,
      "services (a database, an API) beside it; the options are in Styxy's docs/configuration.md.",
    ],
    services: [{ name: serviceName(server), config, comments }],
    skipped: [],
  };
}
