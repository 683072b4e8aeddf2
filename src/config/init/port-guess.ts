/**
 * Which ports a converted command needs, and from which service type's range: a `$PORT` (or
 * `${PORT}`, `$API_PORT`…) in a command is a port Styxy leases and puts in the environment.
 */

/**
 * `PORT`, `*_PORT` (and PostgreSQL's `PGPORT`) variables that a shell command expands, first
 * use first (PORT always first). Not any name ending in PORT: `$SUPPORT` is no port.
 */
export function portVariables(command: string): string[] {
  const found = new Set<string>();
  for (const match of command.matchAll(/\$\{?((?:[A-Za-z_][A-Za-z0-9_]*_|PG)?PORT)\b/g)) found.add(match[1]!);
  return [...found].sort((a, b) => (a === 'PORT' ? -1 : b === 'PORT' ? 1 : 0));
}

/** Words in a service's name or command that tell what it is, and the type they point to. */
const HINTS: readonly (readonly [RegExp, string])[] = [
  [/storybook/i, 'storybook'],
  [/\b(postgres|postgresql|pg|mysql|mysqld|mariadb|db|database|mongo|mongod)\b/i, 'database'],
  [/\b(redis|redis-server|memcached|valkey|cache)\b/i, 'infrastructure'],
  [/\b(kafka|rabbitmq|nats|mq|queue)\b/i, 'messaging'],
  [/\b(docs|mkdocs|docusaurus|vitepress)\b/i, 'docs'],
  [/\b(ollama|llm|inference)\b/i, 'ai'],
  [/\b(grafana|prometheus|metrics|monitoring)\b/i, 'monitoring'],
  [/\b(proxy|nginx|caddy|traefik)\b/i, 'proxy'],
  [/\b(auth|keycloak)\b/i, 'auth'],
  [
    /\b(vite|next|nuxt|nuxi|astro|remix|webpack|parcel|gatsby|react-scripts|ng|svelte-kit|frontend|front|web|client|ui|app)\b/i,
    'dev',
  ],
  [/\b(api|server|backend|rails|puma|unicorn|gunicorn|uvicorn|flask|django|manage\.py|fastapi|express|php)\b/i, 'api'],
];

/** The type for a service's main port, from its name, then its command; `dev` when nothing says. */
export function guessPortType(serviceName: string, command: string): string {
  for (const text of [serviceName, command]) {
    for (const [pattern, type] of HINTS) if (pattern.test(text)) return type;
  }
  return 'dev';
}

/** The type for a further port, from its name (`DEBUG_PORT` → test), else the service's own. */
export function guessNamedPortType(portName: string, mainType: string): string {
  if (/DEBUG|INSPECT/.test(portName)) return 'test';
  if (/METRICS|PROM/.test(portName)) return 'monitoring';
  if (/ADMIN|DASHBOARD/.test(portName)) return 'ui';
  return mainType;
}

/** `{ PORT: 'dev', DEBUG_PORT: 'test' }` for the port variables of a command (none: undefined). */
export function portsFor(serviceName: string, command: string): Record<string, string> | undefined {
  const names = portVariables(command);
  if (names.length === 0) return undefined;
  const main = guessPortType(serviceName, command);
  return Object.fromEntries(names.map((name, index) => [name, index === 0 ? main : guessNamedPortType(name, main)]));
}
