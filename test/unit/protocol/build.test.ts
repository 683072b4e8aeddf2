import { describe, expect, it } from 'vitest';
import { compareBuild, STYXY_BUILD, STYXY_BUILD_ID, STYXY_VERSION } from '../../../src/protocol/version.js';

describe('compareBuild: a recorded build against this one', () => {
  const [major, minor] = STYXY_VERSION.split('.').map(Number) as [number, number];
  it.each([
    ['this build', STYXY_BUILD, 'same'],
    ['another build of this version', { version: STYXY_VERSION, id: `x${STYXY_BUILD_ID}` }, 'older'],
    ['a lower version', { version: '0.0.0', id: 'a' }, 'older'],
    ['a higher version', { version: `${major}.${minor + 1}.0`, id: 'b' }, 'newer'],
    ['a higher major, as text', { version: `${major + 10}.0.0`, id: null }, 'newer'],
    ['none recorded (a supervisor from before the records)', null, 'older'],
    ['nothing known (a coordinator that records no builds)', undefined, 'unknown'],
  ] as const)('%s', (_name, build, expected) => {
    expect(compareBuild(build)).toBe(expected);
  });
});
