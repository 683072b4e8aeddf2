import { describe, expect, it } from 'vitest';
import { activeProfiles, selectByProfiles } from '../../../src/config/select-services.js';
import { problemsOf, resolveOk } from './fixtures.js';

const config = resolveOk({
  services: {
    db: { command: 'x' },
    api: { command: 'x', dependsOn: ['db'] },
    mock: { command: 'x', ports: { PORT: 'api' }, profiles: ['debug'] },
    inspector: { command: 'x ${mock.PORT}', ports: { PORT: 'test' }, profiles: ['debug'] },
    docs: { command: 'x', profiles: ['docs'], dependsOn: ['db'] },
    seed: { command: 'x', profiles: ['debug', 'docs'] },
  },
});
const withPort = resolveOk({
  services: {
    mock: { command: 'x', ports: { PORT: 'api' }, profiles: ['debug'] },
    web: { command: 'x ${mock.PORT}' },
  },
});

const names = (list: readonly { name: string }[]) => list.map((service) => service.name);

describe('profiles resolve as documented', () => {
  it.each([
    ['no profile: services without profiles', [], [], ['db', 'api'], ['mock', 'inspector', 'docs', 'seed']],
    ['debug', [], ['debug'], ['db', 'api', 'mock', 'inspector', 'seed'], ['docs']],
    ['docs', [], ['docs'], ['db', 'api', 'docs', 'seed'], ['mock', 'inspector']],
    ['debug and docs: everything', [], ['debug', 'docs'], ['db', 'api', 'mock', 'inspector', 'docs', 'seed'], []],
    ['a named service runs whatever its profiles, nothing else is listed', ['docs'], [], ['db', 'docs'], []],
    ['a named service with a profile active', ['api'], ['debug'], ['db', 'api'], []],
  ])('%s', (_, named, profiles, active, off) => {
    const selection = selectByProfiles(config, named, profiles);
    expect(names(selection.active)).toEqual(active);
    expect(names(selection.off)).toEqual(off);
  });

  it('an active service that needs a profiled one (a reference) pulls it in', () => {
    expect(names(selectByProfiles(withPort, [], []).active)).toEqual(['mock', 'web']);
  });

  it('a profile no service has is an error with a suggestion', () => {
    expect(() => selectByProfiles(config, [], ['dbug'])).toThrow(
      expect.objectContaining({
        code: 'STYXY_UNKNOWN_PROFILE',
        message: expect.stringMatching(/"dbug"; did you mean "debug"\?$/),
      }),
    );
  });

  it('nothing left to run is an error that says how to pick', () => {
    const all = resolveOk({ services: { a: { command: 'x', profiles: ['p'] } } });
    expect(() => selectByProfiles(all, [], [])).toThrow(
      expect.objectContaining({ code: 'STYXY_UNKNOWN_PROFILE', hint: expect.stringContaining('--profile') }),
    );
  });

  it.each([
    ['--profile wins over STYXY_PROFILES', ['a', 'b'], 'c', ['a', 'b']],
    ['STYXY_PROFILES without flags, blanks dropped', [], ' debug, ,docs ', ['debug', 'docs']],
    ['neither', undefined, undefined, []],
    ['repeats once', ['a', 'a'], undefined, ['a']],
  ])('active profiles: %s', (_, flags, env, expected) => {
    expect(activeProfiles(flags, env === undefined ? {} : { STYXY_PROFILES: env })).toEqual(expected);
  });

  it.each([
    ['a string', 'debug', /services\.svc\.profiles: /],
    ['a bad name', ['de bug'], /services\.svc\.profiles\[0\]: expected a profile name/],
  ])('profiles: %s is a problem', (_, profiles, expected) => {
    expect(problemsOf({ services: { svc: { command: 'x', profiles } } })).toContainEqual(
      expect.stringMatching(expected),
    );
  });

  it('replicas of a profiled service are all off or all on', () => {
    const replicated = resolveOk({
      services: { w: { command: 'x', replicas: 2, profiles: ['p'] }, a: { command: 'x' } },
    });
    expect(names(selectByProfiles(replicated, [], []).off)).toEqual(['w#1', 'w#2']);
    expect(names(selectByProfiles(replicated, [], ['p']).active)).toEqual(['w#1', 'w#2', 'a']);
  });
});
