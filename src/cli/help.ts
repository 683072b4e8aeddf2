/**
 * The parts every command's `--help` ends with: examples, and the environment variables it
 * reads (docs/commands.md lists them all, with their defaults).
 */
import type { Command } from 'commander';

/** Every variable Styxy itself reads, with the line its help shows. */
export const ENVIRONMENT = {
  STYXY_HOME: 'where Styxy keeps its state (default: $XDG_STATE_HOME/styxy, else ~/.local/state/styxy)',
  XDG_RUNTIME_DIR: 'where sockets go when $STYXY_HOME is too deep for one (else the temp folder)',
  NO_COLOR: 'set (non-empty): no colour',
  FORCE_COLOR: 'colour even when not on a terminal (0 or false: never); wins over NO_COLOR',
  STYXY_DEBUG: 'set (non-empty): errors also print their cause',
  STYXY_CONFIG_TIMEOUT: 'seconds a JS/TS config may take to load (default: 10)',
  STYXY_PROFILES: 'the active profiles when no --profile is given, comma-separated (debug,docs)',
} as const;

export type EnvironmentName = keyof typeof ENVIRONMENT;

/** What the commands that talk to the coordinator read. */
export const COORDINATOR_ENV: readonly EnvironmentName[] = ['STYXY_HOME', 'XDG_RUNTIME_DIR', 'STYXY_DEBUG'];

export interface HelpExtras {
  /** `[command line, what it does]`. */
  readonly examples: readonly (readonly [string, string])[];
  readonly env: readonly EnvironmentName[];
}

/** The text after a command's own help: `Examples:` and `Environment:`. */
export function helpExtras({ examples, env }: HelpExtras): string {
  const lines: string[] = [];
  if (examples.length > 0) {
    const width = Math.max(...examples.map(([command]) => command.length));
    lines.push('', 'Examples:');
    for (const [command, what] of examples) lines.push(`  $ ${command.padEnd(width)}  # ${what}`);
  }
  if (env.length > 0) {
    const width = Math.max(...env.map((name) => name.length));
    lines.push('', 'Environment:');
    for (const name of env) lines.push(`  ${name.padEnd(width)}  ${ENVIRONMENT[name]}`);
  }
  return lines.join('\n');
}

/** Each command's examples and the variables it reads, by its words (`styxy` for the program). */
export const COMMAND_HELP: Readonly<Record<string, HelpExtras>> = {
  styxy: {
    examples: [
      ['styxy init', "write a styxy.config.ts from the project's Procfile or scripts"],
      ['styxy up', 'start the stack with the live UI'],
      ['styxy up -d --json && styxy port web', 'in the background, then read a port'],
      ['styxy down', 'stop it'],
    ],
    env: ['STYXY_HOME', 'XDG_RUNTIME_DIR', 'NO_COLOR', 'FORCE_COLOR', 'STYXY_DEBUG'],
  },
  up: {
    examples: [
      ['styxy up', 'start the stack of this folder, with the live UI'],
      ['styxy up -d --json', 'start it in the background; print the ports as JSON once all are up'],
      ['styxy up web', 'start web and what it depends on'],
      ['styxy up --name review -d', 'a second copy of the stack, with ports of its own'],
      ['styxy up --dry-run --json', 'the ports it would get now, as up -d --json would print them; starts nothing'],
      ['styxy up --profile debug', "also start the services with profiles: ['debug']"],
    ],
    env: [...COORDINATOR_ENV, 'STYXY_CONFIG_TIMEOUT', 'STYXY_PROFILES', 'NO_COLOR', 'FORCE_COLOR'],
  },
  down: {
    examples: [
      ['styxy down', "stop this folder's stack"],
      ['styxy down --all', 'stop every stack of this user'],
    ],
    env: COORDINATOR_ENV,
  },
  ps: {
    examples: [
      ['styxy ps', "this folder's stack: status, ports, pid, restarts, uptime"],
      ['styxy ps --json', 'the same as one JSON document (services[].ports.PORT)'],
      ['styxy ps --all', 'every running stack of this user'],
    ],
    env: COORDINATOR_ENV,
  },
  logs: {
    examples: [
      ['styxy logs api -n 50', "api's last 50 lines"],
      ['styxy logs -f', 'every service, following new lines'],
      ['styxy logs --json', 'one JSON object per line'],
    ],
    env: [...COORDINATOR_ENV, 'NO_COLOR', 'FORCE_COLOR'],
  },
  attach: {
    examples: [
      ['styxy attach', 'the live UI of the stack `styxy up -d` started here (q leaves it running)'],
      ['styxy attach --name review', 'of the copy named review'],
      ['styxy attach --all', 'every stack of this user (`styxy top`)'],
    ],
    env: [...COORDINATOR_ENV, 'NO_COLOR', 'FORCE_COLOR'],
  },
  restart: {
    examples: [
      ['styxy restart api', 'restart api on the same ports; exit 1 with why if it does not come back'],
      ['styxy restart db --yes', 'a shared db: restart it in its instance, for every stack using it (named)'],
    ],
    env: COORDINATOR_ENV,
  },
  stop: {
    examples: [
      ['styxy stop worker', 'stop worker (its ports stay leased); `styxy start worker` starts it again'],
      ['styxy stop db --yes', 'a shared db: stop it in its instance, for every stack using it (named)'],
    ],
    env: COORDINATOR_ENV,
  },
  start: {
    examples: [
      ['styxy start docs', 'start docs (off: outside the active profiles) and what it needs; exit 1 if it fails'],
    ],
    env: COORDINATOR_ENV,
  },
  port: {
    examples: [
      ['styxy port api', "api's first port"],
      ['curl "localhost:$(styxy port api)/health"', 'use it in a script'],
      ['styxy port api DEBUG_PORT', 'a named port'],
    ],
    env: COORDINATOR_ENV,
  },
  env: {
    examples: [
      ['styxy env api', 'what api gets: PORT=8001, STYXY_API_PORT=8001, …'],
      ['styxy env --json', 'every service, as one JSON object'],
    ],
    env: [...COORDINATOR_ENV, 'STYXY_CONFIG_TIMEOUT'],
  },
  run: {
    examples: [
      ['styxy run -- node server.js', 'lease a dev port into PORT (server.js reads process.env.PORT)'],
      ["styxy run -- sh -c 'vite --port $PORT'", 'a flag that takes the port: let a shell put it in'],
      ['styxy run -p API_PORT:api -p DB_PORT:database -- ./start.sh', 'two named ports of given types'],
    ],
    env: COORDINATOR_ENV,
  },
  ls: {
    examples: [
      ['styxy ls', 'every lease on this machine'],
      ['styxy ls --json', 'the same as JSON (leases[].port, .stack, .service, .pid)'],
    ],
    env: COORDINATOR_ENV,
  },
  check: {
    examples: [
      ['styxy check 3000', 'free, or who holds it'],
      ['styxy check 3000 && npm run dev', 'exit 0 only when the port is free'],
    ],
    env: COORDINATOR_ENV,
  },
  scan: {
    examples: [
      ['styxy scan', "every port listening in the types' ranges: a lease (stack, service, folder) or a program"],
      ['styxy scan 3000-3099 --json', 'one range, as JSON (ports[].holder.kind, .pid, .command, .cwd)'],
    ],
    env: COORDINATOR_ENV,
  },
  types: {
    examples: [['styxy types', 'the types and their port ranges ($STYXY_HOME/config.json adds or changes them)']],
    env: ['STYXY_HOME', 'STYXY_DEBUG'],
  },
  daemon: {
    examples: [
      ['styxy daemon status --json', 'is it running: pid, socket, version, leases, stacks'],
      ['styxy daemon stop', 'stop it (after an upgrade); running stacks keep their ports'],
    ],
    env: COORDINATOR_ENV,
  },
  'daemon start': {
    examples: [['styxy daemon start', '"started" or "already running", then its status']],
    env: COORDINATOR_ENV,
  },
  'daemon stop': {
    examples: [['styxy daemon stop --json', '{ "stopped": true, "pid": 4121 }']],
    env: COORDINATOR_ENV,
  },
  'daemon status': {
    examples: [
      ['styxy daemon status --json', '{ "running", "pid", "socket", "version", "uptimeMs", "leases", "stacks" }'],
    ],
    env: COORDINATOR_ENV,
  },
  config: {
    examples: [
      ['styxy config', 'check the config and print it resolved: start order, ports asked for, env'],
      ['styxy config -c other.config.ts --json', 'another file, as JSON'],
    ],
    env: ['STYXY_HOME', 'STYXY_CONFIG_TIMEOUT', 'STYXY_DEBUG'],
  },
  agent: {
    examples: [
      ['styxy agent install claude', 'hook Styxy into Claude Code for this project (.claude/settings.json)'],
      ['styxy agent install claude --print', 'show what it would write, and a snippet for AGENTS.md'],
    ],
    env: COORDINATOR_ENV,
  },
  'agent install': {
    examples: [
      ['styxy agent install claude', 'SessionStart and PreToolUse (Bash) hooks'],
      ['styxy agent install claude --block --session-end --worktree-remove', 'every hook, blocking taken ports'],
    ],
    env: COORDINATOR_ENV,
  },
  'agent hook': {
    examples: [
      [
        `echo '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"python3 -m http.server 8000"}}' | styxy agent hook`,
        'the warning Claude Code would get when 8000 is taken',
      ],
    ],
    env: COORDINATOR_ENV,
  },
  top: {
    examples: [['styxy top', 'every stack of this user, live; enter opens one, q quits']],
    env: [...COORDINATOR_ENV, 'NO_COLOR', 'FORCE_COLOR'],
  },
  mcp: {
    examples: [
      ['claude mcp add styxy -- npx styxy mcp', 'register it with Claude Code, for the folder Claude runs in'],
      ['styxy mcp --cwd ../shop-review', 'serve the stack of another folder'],
    ],
    env: COORDINATOR_ENV,
  },
  init: {
    examples: [
      ['styxy init', 'from what this folder has'],
      ['styxy init --from Procfile.dev', 'from this file'],
      ['styxy init --force', 'write it again over the existing styxy.config.ts'],
    ],
    env: ['STYXY_DEBUG'],
  },
  doctor: {
    examples: [['styxy doctor', 'one line per check; exit 1 when something is wrong']],
    env: COORDINATOR_ENV,
  },
  completion: {
    examples: [
      ["echo 'source <(styxy completion bash)' >> ~/.bashrc", 'bash'],
      ["echo 'source <(styxy completion zsh)' >> ~/.zshrc", 'zsh'],
      ['styxy completion fish > ~/.config/fish/completions/styxy.fish', 'fish'],
    ],
    env: [],
  },
};

/** Ends the help of the program and of each command (and subcommand) with its examples and environment. */
export function addHelpExtras(command: Command, words: readonly string[] = []): void {
  const key = words.length === 0 ? 'styxy' : words.join(' ');
  const extras = COMMAND_HELP[key];
  if (extras) command.addHelpText('after', helpExtras(extras));
  for (const sub of command.commands) addHelpExtras(sub, [...words, sub.name()]);
}
