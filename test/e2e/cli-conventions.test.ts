/**
 * The conventions of a Unix command line, on the built CLI: an old Node refused in one line
 * (with the machine's own Node 20), a reader that goes away ending a command quietly, shell
 * completion scripts, help with examples and environment, `daemon` subcommands, and the live
 * UI honouring NO_COLOR and FORCE_COLOR in a real terminal.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { nodeTooOld } from '../../src/os/node-version.js';
import { CLI_BIN, runCli } from '../helpers/coordinator.js';
import { makeTestHome, type TestHome } from '../helpers/home.js';
import { NODE } from '../helpers/stack.js';
import { Tmux } from '../helpers/tmux.js';
import { makeUpProject, type UpProject } from '../helpers/up.js';

const SYSTEM_NODE = '/usr/bin/node';
const systemNodeVersion = existsSync(SYSTEM_NODE)
  ? execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
  : null;

let home: TestHome | undefined;
let project: UpProject | undefined;
let tmux: Tmux | undefined;
afterEach(async () => {
  tmux?.kill();
  await project?.cleanup();
  home?.cleanup();
  tmux = undefined;
  project = undefined;
  home = undefined;
});

/** Runs the CLI with stdout or stderr a pipe whose reader is gone before the CLI writes. */
function withClosedPipe(args: readonly string[], closed: 'stdout' | 'stderr', env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; signal: string | null; other: string }>((resolve) => {
    const child = spawn(NODE, [CLI_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child[closed].destroy();
    let other = '';
    const open = closed === 'stdout' ? child.stderr : child.stdout;
    open.setEncoding('utf8').on('data', (text: string) => {
      other += text;
    });
    child.on('close', (code, signal) => resolve({ code, signal, other }));
  });
}

describe.skipIf(systemNodeVersion === null || !nodeTooOld(systemNodeVersion))("the machine's old Node", () => {
  it.each([[['up']], [['up', '-d']], [['--version']], [['doctor']]])(
    'styxy %j prints one line and a hint, exit 1',
    (args) => {
      home = makeTestHome();
      const result = spawnSync(SYSTEM_NODE, [CLI_BIN, ...args], { env: home.env, cwd: home.home, encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const [line, hint, ...rest] = result.stderr.split('\n');
      expect(line).toBe(`styxy: needs Node.js 22.13 or newer; this is Node.js ${systemNodeVersion}`);
      expect(hint).toMatch(/^hint: install Node\.js 22\.13 or newer \(`nvm install 22`, .*\) and run styxy with it$/);
      expect(rest).toEqual(['']);
    },
  );

  it('the background supervisor and the coordinator refuse it too', () => {
    home = makeTestHome();
    for (const entry of ['supervisor/background-main.js', 'coordinator/main.js']) {
      const result = spawnSync(SYSTEM_NODE, [CLI_BIN.replace('cli/bin.js', entry)], {
        env: home.env,
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^styxy: needs Node\.js 22\.13 or newer/);
    }
  });
});

describe('a reader that goes away', () => {
  const CLOSED = [
    [['--help'], 'stdout'],
    [['up', '--help'], 'stdout'],
    [['doctor'], 'stdout'],
    [['ls'], 'stdout'],
    [['types'], 'stdout'],
    [['frobnicate'], 'stderr'],
    [['port', 'web'], 'stderr'],
  ] as const;

  it('stdout or stderr closed before styxy writes: exit 141, no stack trace', async () => {
    home = makeTestHome();
    const results = await Promise.all(CLOSED.map(([args, closed]) => withClosedPipe(args, closed, home!.env)));
    CLOSED.forEach(([args, closed], index) => {
      expect(results[index], `${args.join(' ')} with ${closed} closed`).toEqual({ code: 141, signal: null, other: '' });
    });
  });

  it('styxy … | head -1 prints one line and ends quietly', async () => {
    home = makeTestHome();
    const commands = ['--help', 'up --help', 'doctor', 'ls', 'completion bash'];
    const results = await Promise.all(
      commands.map(
        (args) =>
          new Promise<{ stdout: string; stderr: string }>((resolve) => {
            const shell = `"${NODE}" "${CLI_BIN}" ${args} | head -1; echo "status \${PIPESTATUS[0]}" >&2`;
            execFile('bash', ['-c', shell], { env: home!.env }, (_, stdout, stderr) => resolve({ stdout, stderr }));
          }),
      ),
    );
    commands.forEach((args, index) => {
      expect(results[index]!.stdout.split('\n'), args).toHaveLength(2); // one line
      // Either styxy wrote everything before head left (0), or it ended on the closed pipe (141).
      expect(results[index]!.stderr, args).toMatch(/^status (0|141)\n$/);
    });
  });
});

describe('completion', () => {
  it('bash, zsh and fish scripts; bash -n accepts the bash one', async () => {
    home = makeTestHome();
    const bash = await runCli(['completion', 'bash'], { env: home.env });
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F');
    expect(bash.stdout).toContain('styxy complete --');
    const dir = mkdtempSync(join(tmpdir(), 'styxy-completion-'));
    try {
      writeFileSync(join(dir, 'styxy.bash'), bash.stdout);
      expect(spawnSync('bash', ['-n', join(dir, 'styxy.bash')], { encoding: 'utf8' })).toMatchObject({
        status: 0,
        stderr: '',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const shell of ['zsh', 'fish']) {
      const script = await runCli(['completion', shell], { env: home.env });
      expect(script.code).toBe(0);
      expect(script.stdout).toContain('styxy complete --');
    }
    const bad = await runCli(['completion', 'tcsh'], { env: home.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish");
  });

  it('answers what the scripts ask: commands, subcommands, flags', async () => {
    home = makeTestHome();
    const words = async (...args: string[]) =>
      (await runCli(['complete', '--', ...args], { env: home!.env })).stdout
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith(':'))
        .map((line) => line.split('\t')[0]);
    expect(await words('')).toEqual(expect.arrayContaining(['up', 'down', 'ps', 'daemon', 'init', 'completion']));
    expect(await words('da')).toEqual(['daemon']);
    expect(await words('daemon', '')).toEqual(expect.arrayContaining(['start', 'stop', 'status']));
    expect(await words('up', '--d')).toEqual(['--detach', '--dry-run']);
    expect(await words('init', '--')).toEqual(expect.arrayContaining(['--from', '--force']));
  });
});

describe('help', () => {
  // Every command and subcommand the CLI declares (but the implicit `help`).
  const visible = (command: Command, prefix: string[] = []): string[][] =>
    command
      .createHelp()
      .visibleCommands(command)
      .filter((sub) => sub.name() !== 'help')
      .flatMap((sub) => [[...prefix, sub.name()], ...visible(sub, [...prefix, sub.name()])]);
  const COMMANDS = visible(buildProgram(() => {})).map((words) => words.join(' '));

  it('every command: styxy <command> --help shows examples and the environment it reads', async () => {
    home = makeTestHome();
    expect(COMMANDS).toEqual(expect.arrayContaining(['up', 'daemon', 'daemon status', 'init', 'completion']));
    const helps = await Promise.all(
      COMMANDS.map((command) => runCli([...command.split(' '), '--help'], { env: home!.env })),
    );
    COMMANDS.forEach((command, index) => {
      const help = helps[index]!;
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(new RegExp(`^Usage: styxy ${command} `));
      expect(help.stdout, command).toMatch(new RegExp(`\\nExamples:\\n  \\$ .*styxy ${command.split(' ')[0]}`));
      // `completion` reads no environment variable.
      if (command !== 'completion')
        expect(help.stdout, command).toMatch(/\nEnvironment:\n {2}(STYXY_HOME|STYXY_DEBUG) /);
    });
  });

  it('daemon without a subcommand lists them, and an unknown one is a usage error', async () => {
    home = makeTestHome();
    const bare = await runCli(['daemon'], { env: home.env });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/start \[options\]\s+start the coordinator/);
    const unknown = await runCli(['daemon', 'frob'], { env: home.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frob'");
  });
});

describe('the live UI and colour', () => {
  /** SGR parameters that set a colour: 30–38, 40–48, 90–97, 100–107 (39 and 49 are the defaults). */
  const colourCodes = (styled: string) =>
    [...styled.matchAll(/\u001b\[([\d;]*)m/g)]
      .flatMap((match) => match[1]!.split(';'))
      .filter((code) => /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(code));

  const config = {
    services: {
      painter: { command: "while :; do printf '\\033[31mred line\\033[0m plain\\n'; sleep 0.3; done" },
    },
  };

  it.each([
    ['no variable', {}, true],
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
    ['NO_COLOR=1 with FORCE_COLOR=1', { NO_COLOR: '1', FORCE_COLOR: '1' }, true],
  ])('%s: colour %s', async (name, env, coloured) => {
    project = makeUpProject(config);
    tmux = new Tmux();
    tmux.start([NODE, CLI_BIN, 'up'], {
      columns: 100,
      rows: 20,
      cwd: project.root,
      // The test runner's own NO_COLOR / FORCE_COLOR must not decide: empty is "not set".
      env: { STYXY_HOME: project.home.home, NO_COLOR: '', FORCE_COLOR: '', ...env },
    });
    await tmux.waitForScreen(
      (screen) => /painter\s+● running/.test(screen) && screen.includes('red line plain'),
      20_000,
    );
    const codes = colourCodes(tmux.captureStyled());
    if (coloured) {
      expect(codes).toContain('32'); // the green "running"
      expect(codes).toContain('31'); // the service's own red
    } else {
      expect(codes).toEqual([]);
      // NO_COLOR drops colour, not styling: the selected row stays inverse. (FORCE_COLOR=0 turns
      // Ink's styling off altogether.)
      if (name === 'NO_COLOR=1') expect(tmux.captureStyled()).toMatch(/\u001b\[[\d;]*7[;m]/);
    }
    // afterEach closes the terminal: `up` stops its stack on the SIGHUP.
  });
});
