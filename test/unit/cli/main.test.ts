import type { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { COMMAND_HELP } from '../../../src/cli/help.js';
import { buildProgram, COMMAND_NAMES, main } from '../../../src/cli/main.js';

// The commands of the CLI, every one listed in `styxy --help` (all but the hidden `complete`).
const COMMANDS = COMMAND_NAMES.filter((name) => name !== 'complete');

describe('cli', () => {
  it('declares every command with a description', () => {
    const program = buildProgram(() => {});
    const visible = program
      .createHelp()
      .visibleCommands(program)
      .filter((command) => command.name() !== 'help');
    expect(visible.map((command) => command.name())).toEqual(COMMANDS);
    for (const command of visible) expect(command.description().length).toBeGreaterThan(10);
    // What the completion scripts call: there, but not listed.
    expect(program.commands.map((command) => command.name())).toContain('complete');
    expect(buildProgram(() => {}, { completion: false }).commands.map((command) => command.name())).not.toContain(
      'completion',
    );
  });

  it('names every command in COMMAND_NAMES, and declares only the one asked for', () => {
    const names = (program: Command) => program.commands.map((command) => command.name());
    expect(names(buildProgram(() => {}))).toEqual(COMMAND_NAMES);
    for (const name of COMMAND_NAMES) {
      // `complete` is declared with `completion`, in the one block that adds both.
      const expected = name.startsWith('complet') ? ['completion', 'complete'] : [name];
      expect(names(buildProgram(() => {}, { only: name }))).toEqual(expected);
    }
    // A group keeps its subcommands, so their errors and suggestions stay.
    expect(names(buildProgram(() => {}, { only: 'daemon' }).commands[0]!)).toEqual(['start', 'stop', 'status']);
  });

  it('exits 2 on an unknown command or flag, with a message on stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['frobnicate'])).toBe(2);
      expect(await main(['ls', '--frobnicate'])).toBe(2);
      const written = stderr.mock.calls.map((call) => String(call[0])).join('');
      expect(written).toMatch(/unknown command 'frobnicate'/);
      expect(written).toMatch(/unknown option '--frobnicate'/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('every command and subcommand has examples in its help, and no examples are left over', () => {
    const words = (command: Command, prefix: string[] = []): string[] =>
      command
        .createHelp()
        .visibleCommands(command)
        .filter((sub) => sub.name() !== 'help')
        .flatMap((sub) => [[...prefix, sub.name()].join(' '), ...words(sub, [...prefix, sub.name()])]);
    const declared = ['styxy', ...words(buildProgram(() => {}))];
    expect(Object.keys(COMMAND_HELP).sort()).toEqual(declared.sort());
    for (const key of declared) expect(COMMAND_HELP[key]!.examples.length, key).toBeGreaterThan(0);
  });
});
