import { describe, expect, it } from 'vitest';
import { isLongLived } from '../../../src/cli/long-lived.js';

describe('isLongLived', () => {
  it('is true for the commands that stay running', () => {
    for (const argv of [
      ['up'],
      ['up', 'web', '--no-tui'],
      ['mcp'],
      ['attach', 'web'],
      ['top'],
      ['logs', '-f'],
      ['logs', '--follow', 'web'],
      ['logs', '-tf'],
    ]) {
      expect(isLongLived(argv), argv.join(' ')).toBe(true);
    }
  });
  it('is false for short commands and a detached or dry-run up', () => {
    for (const argv of [
      [],
      ['port', 'web'],
      ['up', '-d'],
      ['up', '--detach'],
      ['up', '--dry-run'],
      ['up', '-dn'],
      ['logs'],
      ['logs', '-n', '5'],
      ['down'],
      ['--help'],
      ['ps'],
    ]) {
      expect(isLongLived(argv), argv.join(' ')).toBe(false);
    }
  });
});
