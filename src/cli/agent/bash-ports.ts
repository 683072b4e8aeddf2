/**
 * Which ports a Bash command would start a server on, read from its text (for the PreToolUse
 * hook): `--port 3000`, `--port=3000`, `-p 3000`, `-p 8080:80` (a container's host port),
 * `PORT=3000` (any `…PORT=`), `localhost:3000` and other listen addresses, `http.server 8000`,
 * `-l 8000` (`nc -l`), `runserver 8000`, `php -S localhost:8000`. Pure and approximate on purpose:
 * the hook only speaks when such a port is also held (a lease, or a program listening), so a
 * number read wrongly costs nothing, and a command of a client (curl, psql, ssh, …) or of Styxy
 * itself is never read: it connects to a port, it does not bind one.
 */

/** Programs that use a port without listening on it (their `-p` is not a listen port). */
const CLIENTS = new Set([
  'curl',
  'wget',
  'http',
  'https',
  'xh',
  'httpie',
  'telnet',
  'ssh',
  'scp',
  'sftp',
  'rsync',
  'psql',
  'pg_isready',
  'mysql',
  'mysqladmin',
  'redis-cli',
  'mongo',
  'mongosh',
  'open',
  'xdg-open',
  'ping',
  'git',
  'grep',
  'rg',
  'echo',
  'printf',
  'cat',
  'ls',
  'kill',
  'pkill',
  'lsof',
  'ss',
  'netstat',
  'fuser',
  'mkdir',
  'styxy',
  'sleep',
  'test',
  'nmap',
  'ab',
  'wrk',
  'hey',
  'k6',
  'websocat',
  'wscat',
  'grpcurl',
]);
/** Words that run the command after them (`sudo`, `npx vite`, `exec`, `env A=1 …`). */
const WRAPPERS = new Set(['sudo', 'exec', 'env', 'nohup', 'time', 'npx', 'bunx', 'pnpx', 'command', 'nice', 'timeout']);

const PORT = '(\\d{1,5})';
const PATTERNS: readonly RegExp[] = [
  new RegExp(
    `(?:^|\\s)--(?:port|listen|http-port|server-port|dev-port)(?:=|\\s+)(?:[\\w.\\-\\[\\]:]*:)?${PORT}\\b`,
    'g',
  ),
  new RegExp(`(?:^|\\s)-(?:p|P|l|-bind|b)\\s*(?:[\\d.]+:)?${PORT}(?::\\d+)?(?=\\s|$)`, 'g'),
  new RegExp(`(?:^|\\s)[A-Z_]*PORT=['"]?${PORT}\\b`, 'g'),
  new RegExp(`(?:localhost|127\\.0\\.0\\.1|0\\.0\\.0\\.0|\\[::1?\\]|::):${PORT}\\b`, 'g'),
  new RegExp(`(?:^|\\s)-[a-z]*l[a-z]*\\s+${PORT}(?=\\s|$)`, 'g'),
  new RegExp(
    `(?:http\\.server|SimpleHTTPServer|runserver|serve|preview)(?:\\s+\\S+)*?\\s+(?:[\\d.]+:)?${PORT}(?=\\s|$)`,
    'g',
  ),
];

/** The ports the command would listen on, in the order they appear, each once. */
export function bashListenPorts(command: string): number[] {
  const found: number[] = [];
  for (const part of simpleCommands(command)) {
    if (isClient(part)) continue;
    const hits: { at: number; port: number }[] = [];
    for (const pattern of PATTERNS) {
      for (const match of part.matchAll(pattern)) hits.push({ at: match.index ?? 0, port: Number(match[1]) });
    }
    hits.sort((a, b) => a.at - b.at);
    for (const { port } of hits) if (port >= 1 && port <= 65535 && !found.includes(port)) found.push(port);
  }
  return found;
}

/** `a && b | c; d &` → its simple commands (quotes are not parsed: an operator inside one splits too). */
function simpleCommands(command: string): string[] {
  return command
    .split(/&&|\|\||[;|&\n]|\$\(|`|\)/)
    .map((part) => part.trim())
    .filter(Boolean);
}

function isClient(part: string): boolean {
  const words = part.split(/\s+/);
  let index = 0;
  // Skip environment assignments and wrappers (and their flags) to reach the program.
  while (index < words.length) {
    const word = words[index]!;
    if (
      /^[A-Za-z_][A-Za-z0-9_]*=/.test(word) ||
      WRAPPERS.has(word) ||
      (index > 0 && word.startsWith('-') && WRAPPERS.has(words[index - 1]!))
    ) {
      index++;
      continue;
    }
    break;
  }
  const program = (words[index] ?? '').split('/').at(-1) ?? '';
  if (program === 'nc' || program === 'ncat' || program === 'netcat')
    return !words.includes('-l') && !words.some((w) => /^-\w*l/.test(w));
  return CLIENTS.has(program);
}

/** The stack names of the `styxy up` calls in a Bash command (`default` unless `--name N`). */
export function styxyUps(command: string): string[] {
  const names: string[] = [];
  for (const match of command.matchAll(/(?:^|[\s;&|(])styxy\s+up\b([^;&|\n]*)/g)) {
    const name = /--name(?:=|\s+)([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(match[1] ?? '')?.[1];
    names.push(name ?? 'default');
  }
  return names;
}
