import { describe, expect, it } from 'vitest';
import { nodeTooOld, nodeVersionRefusal } from '../../../src/os/node-version.js';

describe('the Node check of every entry point', () => {
  it.each([
    ['20.20.2', true],
    ['22.12.9', true],
    ['22.13.0', false],
    ['22.23.3', false],
    ['23.0.0', false],
    ['24.1.0', false],
    ['18.19.1', true],
    ['', true],
  ])('Node.js %j too old: %s', (version, old) => {
    expect(nodeTooOld(version)).toBe(old);
  });

  it('refuses in one line and a hint, or not at all', () => {
    expect(nodeVersionRefusal('22.13.0')).toBeNull();
    const refusal = nodeVersionRefusal('20.20.2')!;
    expect(refusal.split('\n')).toEqual([
      'styxy: needs Node.js 22.13 or newer; this is Node.js 20.20.2',
      expect.stringMatching(
        /^hint: install Node\.js 22\.13 or newer \(`nvm install 22`, `fnm install 22`, `volta install node@22`/,
      ),
      '',
    ]);
  });
});
