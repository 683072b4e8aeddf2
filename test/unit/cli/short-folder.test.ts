import { describe, expect, it } from 'vitest';
import { shortFolder } from '../../../src/cli/stack/short-folder.js';

describe('shortFolder', () => {
  it.each([
    ['/home/me/src/shop', '~/src/shop'],
    ['/home/me', '~'],
    ['/home/mel/src', '/home/mel/src'],
    ['/srv/shop', '/srv/shop'],
    ['/home/me/src/acme/shop-worktrees/feature-checkout', '~/…/shop-worktrees/feature-checkout'],
    ['/home/me/src/acme/shop-worktrees/fix-login', '~/src/acme/shop-worktrees/fix-login'],
    ['/home/me/src/acme/shop-worktrees/fix-login-2', '~/…/acme/shop-worktrees/fix-login-2'],
    ['/var/lib/builds/agents/acme/shop-worktrees/feature-x', '/var/…/acme/shop-worktrees/feature-x'],
    ['/home/me/a-very-long-folder-name-for-one-worktree-of-the-shop', 'a-very-long-folder…ktree-of-the-shop'],
  ])('%s → %s', (folder, short) => {
    expect(shortFolder(folder, { home: '/home/me', width: 36 })).toEqual(short);
  });

  it('never exceeds the width, and keeps the last folder whole when it fits', () => {
    const long = '/home/me/a-very-long-folder-name-for-one-worktree-of-the-shop';
    const short = shortFolder(long, { home: '/home/me', width: 36 });
    expect(short.length).toBeLessThanOrEqual(36);
    expect(short).toContain('…');
    expect(shortFolder('/home/me/x/y/z/two-worktrees/a', { home: '/home/me', width: 20 })).toBe('~/…/two-worktrees/a');
  });
});
