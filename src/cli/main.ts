/**
 * The command line: parse, dispatch, report. Each command lives in `commands/<name>.ts` and is
 * loaded with `import()` only when run, so `styxy port` never loads React or Ink.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { STYXY_VERSION } from '../protocol/version.js';
import { EXIT } from './exit-codes.js';
import { addHelpExtras } from './help.js';
import { renderError } from './render-error.js';

type Loader = () => Promise<{ run: (...args: never[]) => Promise<number> }>;

/** `-c` may be given more than once: the first is the config, later ones are merged over it in order. */
const configOption = () =>
  new Option(
    '-c, --config <file>',
    'use this config file instead of searching (repeatable: later files merge over it)',
  ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
const nameOption = () => new Option('--name <name>', 'the stack name, to run or reach a second copy from one folder');
const jsonOption = () => new Option('--json', 'print one JSON document on stdout');

/** The shells `styxy completion` writes a script for (those @bomb.sh/tab supports). */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish', 'powershell'];

/**
 * Every top-level command, as `styxy --help` lists them (and the hidden `complete`). `main` builds
 * only the one its first word names: declaring all of them with commander cost a short command
 * ~5 ms of CPU (docs/performance.md, "Only the command that runs"). A unit test keeps this list
 * equal to the full program's.
 */
export const COMMAND_NAMES: readonly string[] = [
  'up',
  'down',
  'ps',
  'logs',
  'attach',
  'top',
  'restart',
  'start',
  'stop',
  'port',
  'env',
  'run',
  'ls',
  'check',
  'scan',
  'types',
  'daemon',
  'config',
  'mcp',
  'agent',
  'init',
  'doctor',
  'completion',
  'complete',
];

export interface ProgramOptions {
  /** false: leave out `completion` and `complete` (the completion module adds its own). */
  readonly completion?: boolean;
  /** Declare only this top-level command (one of COMMAND_NAMES); default: all of them. */
  readonly only?: string;
}

/**
 * The program. `completion: false` leaves out `completion` and `complete`: the completion module
 * builds a program of its own that way and lets @bomb.sh/tab add them. `only` declares one
 * command: enough to parse and run it, its `--help` and its errors; `styxy --help`, `help`,
 * unknown commands (their suggestions) and the completions need the whole program.
 */
export function buildProgram(
  onExitCode: (code: number) => void,
  { completion = true, only }: ProgramOptions = {},
): Command {
  const wanted = (name: string) =>
    only === undefined || only === name || (name === 'completion' && only === 'complete');
  const program = new Command('styxy')
    .description('A port-aware launcher for development stacks.')
    .version(STYXY_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .configureHelp({ sortSubcommands: false, showGlobalOptions: false })
    .addHelpText(
      'after',
      [
        '',
        "Run `styxy <command> --help` for a command's flags, examples and environment.",
        'Docs: docs/commands.md and docs/configuration.md in the package.',
      ].join('\n'),
    )
    // Set before adding commands: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.startsWith('error: ') ? `styxy: ${text.slice(7)}` : text),
    });

  // Every action loads its module lazily and reports the exit code it returns. Commands that use
  // STYXY_HOME first refuse one that is not the user's own (docs/security.md), before anything is
  // read, written or sent there; `init`, `doctor` and the completions do not use it (`doctor`
  // reports on it).
  const dispatch =
    (load: Loader, usesHome = true, loadsConfig: (options: Record<string, unknown>) => boolean = () => false) =>
    async (...args: unknown[]) => {
      if (usesHome) await checkHome();
      // The config loader's worker boots on another core while the command's modules load.
      const options = args.at(-2) as Record<string, unknown>;
      if (loadsConfig(options)) {
        (await import('../config/prewarm.js')).prewarmFor(process.cwd(), options.config as string[] | undefined);
      }
      // commander passes (…positionals, options, command); modules take (…positionals, options).
      const mod = await load();
      onExitCode(await (mod.run as (...a: unknown[]) => Promise<number>)(...args.slice(0, -1)));
    };

  if (wanted('up')) {
    program
      .command('up')
      .description('start the stack (or the named services and what they depend on)')
      .argument('[services...]', 'services to start (with their dependencies)')
      .addOption(configOption())
      .addOption(nameOption())
      .option('-d, --detach', 'run in the background; return once every service is ready')
      .option('--no-tui', 'plain prefixed lines instead of the live UI')
      .option('--no-watch', 'do not restart services when their `watch` files change')
      .addOption(jsonOption())
      .option(
        '--profile <name>',
        'also start the services of this profile (repeatable; default: $STYXY_PROFILES)',
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      )
      .option('--timeout <seconds>', 'with -d: stop everything and fail if not every service is up by then', '120')
      .option('--dry-run', 'print the ports the stack would get now; lease and start nothing')
      .addHelpText(
        'after',
        [
          '',
          'On a terminal, a live UI shows the services and their logs: r restarts the selected one,',
          's stops/starts it, / searches, q stops the stack and quits, ? lists every key.',
          "Without a terminal (or with --no-tui) each service's lines go to stdout as `name | line`,",
          "Styxy's own lines (`api ready on :8001 in 312 ms`) to stderr. --json prints the `ps --json`",
          'document once every service is up (service lines then go to the log files only).',
          'Ctrl-C, SIGTERM or SIGHUP stops the stack gracefully; Ctrl-C again forces it.',
          'Exit codes: 0 stopped cleanly, 1 a service failed, 130 after Ctrl-C (128 + n after signal n).',
          '',
          'With -d the stack runs in the background: up returns once every service is up, printing',
          'the ports (the `ps` table, or the `ps --json` document with --json), and exits 0. If a',
          'service fails or --timeout runs out, everything it started is stopped and every port freed',
          'before it exits 1 with the reason and the last lines of the service.',
          '',
          'With --dry-run it prints the ports the stack would get now (the `up -d --json` document with',
          '"dryRun": true, or the `ps` table), leasing and starting nothing.',
          '',
          'A service with `profiles: [...]` starts only when one of them is active: --profile NAME',
          '(repeatable), else STYXY_PROFILES=debug,docs. The others are listed as `off`;',
          '`styxy start SERVICE` (or s in the UI) starts one, with the services it needs.',
        ].join('\n'),
      )
      .action(
        dispatch(
          () => import('./commands/up.js'),
          true,
          (options) => !options.detach || !!options.dryRun,
        ),
      );
  }

  if (wanted('down')) {
    program
      .command('down')
      .description("stop this folder's stack (or every stack of this user)")
      .addOption(configOption())
      .addOption(nameOption())
      .option('--all', 'stop every stack of this user')
      .option('--force', 'skip the grace period: SIGKILL every service now')
      .option('--timeout <seconds>', 'wait this long for a graceful stop, then kill', '60')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'Returns once every process of the stack is gone and its ports are free. A stack whose',
          'supervisor is stuck or dead is stopped by a signal or cleaned up by the coordinator.',
          'Nothing running is no error. Exit codes: 0 stopped (or nothing to stop), 1 not stopped.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/down.js')));
  }

  if (wanted('ps')) {
    program
      .command('ps')
      .description("the stack's services: status, ports, pid, restarts, uptime")
      .addOption(configOption())
      .addOption(nameOption())
      .option('--all', 'every running stack of this user')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/ps.js')));
  }

  if (wanted('logs')) {
    program
      .command('logs')
      .description("print (and follow) a stack's logs")
      .argument('[service]', 'only this service')
      .addOption(configOption())
      .addOption(nameOption())
      .option('-f, --follow', 'keep printing new lines until interrupted or the stack stops')
      .option('-n, --lines <count>', 'lines to print from the end (of all services together)', '100')
      .option('-t, --timestamps', 'show when each line was printed')
      .option('--current', "only each service's current run (from its last start on)")
      .addOption(new Option('--json', 'one JSON object per line: { time, service, stream, text }'))
      .addHelpText(
        'after',
        [
          '',
          'Reads the log files in $STYXY_HOME/stacks/<stack-id>/, so it works for any stack, also one',
          "that has stopped. Several services: each line starts with the service's name. Styxy's own",
          'lines about a service (started, ready, exited) start with [styxy]; each start of a service',
          'is a line of its own (──── run N · time · pid · ports ────).',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/logs.js')));
  }

  if (wanted('attach')) {
    program
      .command('attach')
      .description('open the live UI on a stack running in the background')
      .addOption(configOption())
      .addOption(nameOption())
      .option('--all', 'every stack of this user in one list (`styxy top`)')
      .action(dispatch(() => import('./commands/attach.js')));
  }

  if (wanted('top')) {
    program
      .command('top')
      .description('one live view of every stack of this user; enter opens one')
      .addHelpText(
        'after',
        [
          '',
          'A row per stack: its folder, name, status, supervisor pid, ports and shared services, kept',
          "live. ↑/↓ (or j/k) select, enter opens that stack's own UI (as `styxy attach`), whose q comes",
          'back here; q quits. Needs a terminal.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/top.js')));
  }

  if (wanted('restart')) {
    program
      .command('restart')
      .description('restart one service of a running stack, keeping its ports')
      .argument('<service>', 'the service to restart')
      .addOption(configOption())
      .addOption(nameOption())
      .option('--timeout <seconds>', 'fail if it is not up again by then', '120')
      .option('-y, --yes', 'a shared service: restart it in its instance, for every stack using it')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'Waits until the service is up again (exit 0), or exits 1 with why it failed.',
          'A shared service restarts for every stack using it: refused without --yes, which names them.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/restart.js')));
  }

  if (wanted('start')) {
    program
      .command('start')
      .description('start one service of a running stack (e.g. one outside the active profiles)')
      .argument('<service>', 'the service to start (with the services it needs)')
      .addOption(configOption())
      .addOption(nameOption())
      .option('--timeout <seconds>', 'fail if it is not up by then', '120')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'An `off` service (outside the active profiles) gets its ports leased now, in one batch with',
          'the off services it needs, which start first. A stopped service starts again on its ports.',
          'Waits until it is up (exit 0), or exits 1 with why it failed.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/start.js')));
  }

  if (wanted('stop')) {
    program
      .command('stop')
      .description('stop one service of a running stack (the stack and its ports stay)')
      .argument('<service>', 'the service to stop')
      .addOption(configOption())
      .addOption(nameOption())
      .option('--timeout <seconds>', 'fail if it is not stopped by then', '120')
      .option('-y, --yes', 'a shared service: stop it in its instance, for every stack using it')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'Stops it as `down` would (stop command, signal, SIGKILL after its timeout); `styxy start` starts',
          'it again on its ports. A shared service stops for every stack using it: refused without --yes.',
          'Exit 0 once it is stopped, 1 with why it was not.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/stop.js')));
  }

  if (wanted('port')) {
    program
      .command('port')
      .description('print one port number (for scripts)')
      .argument('<service>', 'the service')
      .argument('[portName]', 'the port name (default: its first port)')
      .addOption(configOption())
      .addOption(nameOption())
      .action(dispatch(() => import('./commands/port.js')));
  }

  if (wanted('env')) {
    program
      .command('env')
      .description('print the injected environment as KEY=value lines')
      .argument('[service]', 'only this service (default: every service)')
      .addHelpText(
        'after',
        [
          '',
          "Prints what Styxy adds for the running stack's services: their ports (PORT, named ports,",
          'STYXY_<SERVICE>_<PORT_NAME>), STYXY_STACK, STYXY_STACK_ID, STYXY_STACK_SLUG, STYXY_SERVICE,',
          'STYXY_PROJECT, and',
          "each service's env files and env (with ${service.PORT} filled in, from the config as it is",
          'now). Not the environment services inherit, their PATH, or STYXY_TAG.',
        ].join('\n'),
      )
      .addOption(configOption())
      .addOption(nameOption())
      .addOption(jsonOption())
      .action(
        dispatch(
          () => import('./commands/env.js'),
          true,
          () => true,
        ),
      );
  }

  if (wanted('run')) {
    program
      .command('run')
      .description('lease ports, run one command with them in its environment, release on exit')
      .argument('<command...>', 'the command and its arguments (after --)')
      .option(
        '-p, --port <NAME[:TYPE]>',
        "lease a port into env var NAME, from TYPE's range (default type: dev); repeatable",
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .passThroughOptions()
      .action(dispatch(() => import('./commands/run.js')));
  }

  if (wanted('ls')) {
    program
      .command('ls')
      .description('every lease on this machine: port, type, stack, project, service, owner pid, since')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/ls.js')));
  }

  if (wanted('check')) {
    program
      .command('check')
      .description('is the port free; if not, who holds it')
      .argument('<port>', 'the port number')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/check.js')));
  }

  if (wanted('scan')) {
    program
      .command('scan')
      .description("every listening TCP port in the range (default: every type's range) and who holds it")
      .argument('[range]', 'FROM-TO, e.g. 3000-3099')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/scan.js')));
  }

  if (wanted('types')) {
    program
      .command('types')
      .description('the service types and their port ranges')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/types.js')));
  }

  if (wanted('daemon')) {
    const daemon = program
      .command('daemon')
      .description('manage the coordinator: start | stop | status')
      .addHelpText(
        'after',
        [
          '',
          'One coordinator per user (per $STYXY_HOME) hands out every port; any command that needs it',
          'starts it, so `daemon start` is rarely needed.',
        ].join('\n'),
      );
    daemon
      .command('start')
      .description('start the coordinator unless one runs; print its status')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/daemon.js').then((module) => ({ run: module.start }))));
    daemon
      .command('stop')
      .description('stop the coordinator (also one of another Styxy version); running stacks keep their ports')
      .addOption(jsonOption())
      .addHelpText(
        'after',
        [
          '',
          'Its state is kept: running supervisors start a new coordinator and re-claim their ports.',
          'Exit 0 also when none runs.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/daemon.js').then((module) => ({ run: module.stop }))));
    daemon
      .command('status')
      .description("the coordinator's pid, socket, version, uptime, leases and stacks")
      .addOption(jsonOption())
      .addHelpText(
        'after',
        ['', 'Exit 0 when a coordinator runs, 1 when none does ("running": false in the JSON).'].join('\n'),
      )
      .action(dispatch(() => import('./commands/daemon.js').then((module) => ({ run: module.status }))));
  }

  if (wanted('config')) {
    program
      .command('config')
      .description('validate the project config and print it resolved')
      .addOption(configOption())
      .addOption(jsonOption())
      .action(
        dispatch(
          () => import('./commands/config.js'),
          true,
          () => true,
        ),
      );
  }

  if (wanted('mcp')) {
    program
      .command('mcp')
      .description("a Model Context Protocol server over stdio for this folder's stack (for coding agents)")
      .option('--cwd <dir>', 'serve the stack of this folder instead of the current one')
      .addHelpText(
        'after',
        [
          '',
          'Tools: up (background; returns the ports), down, ps, port, logs (last lines, by service or text),',
          'restart, check, scan. stdout carries the protocol only; Styxy logs to stderr. Register it with',
          'Claude Code: `claude mcp add styxy -- npx styxy mcp` (docs/commands.md shows a .mcp.json).',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/mcp.js')));
  }

  if (wanted('agent')) {
    const agent = program
      .command('agent')
      .description('Claude Code hooks: install them into the project, or answer one hook call')
      .addHelpText(
        'after',
        [
          '',
          "The hooks tell an agent the stack's ports when a session starts and warn (or block) a Bash",
          'command that would start a server on a port a stack or program holds.',
        ].join('\n'),
      );
    agent
      .command('install')
      .description("merge Styxy's hooks into the project's .claude/settings.json (never clobbers; idempotent)")
      .addArgument(new Argument('<agent>', 'the coding agent').choices(['claude']))
      .option('--block', 'deny a Bash command that would listen on a taken port, instead of warning')
      .option('--session-end', 'stop the stacks a session started when it ends')
      .option('--worktree-remove', "stop a worktree's stacks when Claude Code removes the worktree")
      .option('--print', 'print the settings it would write and an AGENTS.md/CLAUDE.md snippet; write nothing')
      .action(dispatch(() => import('./commands/agent-install.js')));
    agent
      .command('hook')
      .description('answer one Claude Code hook call (its JSON on stdin); what the installed hooks run')
      .option('--block', 'deny instead of warning (PreToolUse)')
      .option('--session-end', 'record the stacks the session starts; stop them at SessionEnd')
      .addHelpText(
        'after',
        [
          '',
          'Answers SessionStart (the stack and its ports as context), PreToolUse on Bash (a warning naming',
          'the holder of a port the command would listen on), SessionEnd and WorktreeRemove (stop the',
          "session's or the worktree's stacks). Starts no coordinator. Exit 0, or 1 (never 2) on a failure.",
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/agent-hook.js')));
  }

  if (wanted('init')) {
    program
      .command('init')
      .description("write a styxy.config.ts from the project's Procfile, process-compose.yaml or package.json scripts")
      .option('--from <file>', 'convert this file (a Procfile, a process-compose YAML or a package.json)')
      .option('--force', 'overwrite an existing styxy.config.ts')
      .addHelpText(
        'after',
        [
          '',
          'Without --from, it looks in this folder for Procfile.dev or Procfile, then process-compose.yaml',
          '(or .yml), then the dev/start scripts of package.json, and converts the first it finds;',
          'with none of these, it writes a commented starter. It says what it found and what it wrote',
          '(what does not map to Styxy is kept as a comment), adds styxy.config.local.* to .gitignore',
          'and never overwrites a config without --force. Check the result with `styxy config`.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/init.js'), false));
  }

  if (wanted('doctor')) {
    program
      .command('doctor')
      .description('check the environment and explain what is wrong')
      .addOption(jsonOption())
      .action(dispatch(() => import('./commands/doctor.js'), false));
  }

  if (completion && wanted('completion')) {
    // The scripts come from @bomb.sh/tab (commands/completion.ts), loaded only here.
    program
      .command('completion')
      .description('print a shell completion script')
      .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
      .addHelpText(
        'after',
        [
          '',
          'The script asks `styxy` (on your PATH) for the completions, so install Styxy globally or put',
          'an alias or a shell function named styxy on your PATH first.',
        ].join('\n'),
      )
      .action(dispatch(() => import('./commands/completion.js'), false));
    // What the scripts call at each Tab: `styxy complete -- up --na`.
    program
      .command('complete', { hidden: true })
      .argument('[words...]')
      .allowUnknownOption()
      .helpOption(false)
      .action(dispatch(() => import('./commands/completion.js').then((module) => ({ run: module.complete })), false));
  }

  addHelpExtras(program);
  return program;
}

async function checkHome(): Promise<void> {
  const [{ styxyHome }, { assertHomeSafe }] = await Promise.all([
    import('../protocol/home.js'),
    import('../protocol/private-fs.js'),
  ]);
  assertHomeSafe(styxyHome());
}

/** Runs the CLI with `argv` (without node and the script). Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  // The command its first word names, alone; anything else (a flag, `help`, a typo) gets them all.
  const first = argv[0];
  const only = first !== undefined && COMMAND_NAMES.includes(first) ? first : undefined;
  const program = buildProgram(
    (code) => {
      exitCode = code;
    },
    { only },
  );
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse error (unknown command or flag) is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return renderError(error);
  }
}
