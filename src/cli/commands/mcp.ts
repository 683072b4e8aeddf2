/**
 * `styxy mcp [--cwd DIR]`: a Model Context Protocol server over stdio for the stack of this folder
 * (or of DIR), for coding agents (`claude mcp add styxy -- npx styxy mcp`). Only the protocol goes
 * to stdout; Styxy's own lines go to stderr. This is the only command that loads the MCP SDK
 * (and, with it, zod on the client side).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StyxyError } from '../../protocol/errors.js';
import { EXIT } from '../exit-codes.js';
import { takeStdoutForProtocol } from '../mcp/protocol-stdout.js';
import { serveMcp } from '../mcp/server.js';

export async function run(options: { readonly cwd?: string }): Promise<number> {
  if (options.cwd !== undefined) {
    const dir = resolve(options.cwd);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new StyxyError('STYXY_USAGE', `--cwd ${options.cwd}: no such folder`, {
        hint: "give the project's folder, e.g. `styxy mcp --cwd .`",
      });
    }
    process.chdir(dir);
  }
  await serveMcp({ stdin: process.stdin, stdout: takeStdoutForProtocol() });
  return EXIT.ok;
}
