import { describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../../src/cli/main.js';

// The commands of the CLI, every one listed in `styxy --help`.
const COMMANDS = [
  'up',
  'down',
  'ps',
  'logs',
  'attach',
  'restart',
  'port',
  'env',
  'run',
  'ls',
  'check',
  'types',
  'daemon',
  'config',
  'init',
  'doctor',
];

describe('cli', () => {
  it('declares every command with a description', () => {
    const program = buildProgram(() => {});
    const names = program.commands.map((command) => command.name());
    expect(names).toEqual(COMMANDS);
    for (const command of program.commands) expect(command.description().length).toBeGreaterThan(10);
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
});
