import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { takeStdoutForProtocol } from '../../../src/cli/mcp/protocol-stdout.js';
import { errorResult } from '../../../src/cli/mcp/tool-result.js';
import { StyxyError } from '../../../src/protocol/errors.js';

const read = (stream: PassThrough) => String(stream.read() ?? '');

describe('the MCP server stdout', () => {
  it('carries what the protocol writes; any other write to stdout goes to the log', async () => {
    const stdout = new PassThrough();
    const log = new PassThrough();
    const protocol = takeStdoutForProtocol(stdout, log);
    stdout.write('a stray line\n');
    await new Promise<void>((resolve) => protocol.write('{"jsonrpc":"2.0"}\n', () => resolve()));
    expect(read(stdout)).toBe('{"jsonrpc":"2.0"}\n');
    expect(read(log)).toBe('a stray line\n');
  });
});

describe('tool errors', () => {
  it("carry Styxy's message and hint; other errors are internal errors", () => {
    const known = errorResult(new StyxyError('STYXY_UNKNOWN_SERVICE', 'no service "x"', { hint: 'its services: a' }));
    expect(known).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'no service "x"\nhint: its services: a' }],
    });
    expect(errorResult(new StyxyError('STYXY_USAGE', 'bad')).content).toEqual([{ type: 'text', text: 'bad' }]);
    expect(errorResult(new TypeError('x is undefined')).content[0]).toMatchObject({
      text: expect.stringMatching(/^internal error: x is undefined\nhint: this is a bug/),
    });
  });
});
