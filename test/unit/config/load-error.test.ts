import { describe, expect, it } from 'vitest';
import { ConfigExportError, describeLoadError } from '../../../src/config/load-error.js';
import { formatProblemBlock } from '../../../src/config/problems.js';

const file = '/p/styxy.config.ts';

describe('describeLoadError', () => {
  it('a parse error: the location from the message, no repetition of the path', () => {
    const error = new Error('ParseError: Unexpected token, expected ","  \n /p/styxy.config.ts:4:4');
    expect(describeLoadError(error, file, '/p')).toEqual({
      where: 'styxy.config.ts:4:4',
      message: 'ParseError: Unexpected token, expected ","',
    });
  });

  it('a thrown error: the location of the config file in the stack, shown from the current folder', () => {
    const error = new TypeError('x is not a function');
    error.stack =
      'TypeError: x is not a function\n    at /p/lib/helper.ts:9:1\n    at /p/styxy.config.ts:2:7\n    at jitiRequire (/n/node_modules/jiti/dist/jiti.cjs:1:1)';
    expect(describeLoadError(error, file, '/p/sub')).toEqual({
      where: '../styxy.config.ts:2:7',
      message: 'TypeError: x is not a function',
    });
  });

  it('an error in an imported file: that file and its location', () => {
    const error = new Error('boom');
    error.stack =
      'Error: boom\n    at /p/lib/helper.ts:9:3\n    at jitiRequire (/n/node_modules/jiti/dist/jiti.cjs:1:1)';
    expect(describeLoadError(error, file, '/p')).toEqual({ where: 'lib/helper.ts:9:3', message: 'Error: boom' });
  });

  it('a missing module: the message, not a location in transformed code', () => {
    const error = Object.assign(new Error("Cannot find module 'nope'\nRequire stack:\n- /p/styxy.config.ts"), {
      code: 'MODULE_NOT_FOUND',
    });
    error.stack = 'Error: x\n    at /p/styxy.config.ts:1:241';
    expect(describeLoadError(error, file, '/p')).toEqual({
      where: 'styxy.config.ts',
      message: "Error: Cannot find module 'nope'",
    });
  });

  it("Styxy's own findings carry no location", () => {
    expect(describeLoadError(new ConfigExportError('no default export'), file, '/p')).toEqual({
      where: 'styxy.config.ts',
      message: 'no default export',
    });
  });
});

describe('formatProblemBlock', () => {
  it('a heading with the file and count, then one line per problem naming the file and the path', () => {
    const block = formatProblemBlock(file, 'styxy.config.ts', [
      { path: '', message: 'expected the config object' },
      { path: 'services.web.ports.PORT', message: 'unknown service type "apii"' },
    ]);
    expect(block).toBe(
      [
        'invalid config /p/styxy.config.ts (2 problems):',
        '  styxy.config.ts: expected the config object',
        '  styxy.config.ts: services.web.ports.PORT: unknown service type "apii"',
      ].join('\n'),
    );
  });
});
