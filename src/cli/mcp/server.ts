/**
 * `styxy mcp`: a Model Context Protocol server over stdio (the official SDK), whose tools act on
 * the stack of the folder it runs in. It serves until its client closes stdin, and answers the
 * calls still running then.
 */
import type { Readable, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { STYXY_VERSION } from '../../protocol/version.js';
import { answer } from './tool-result.js';
import { registerTools } from './tools.js';

export async function serveMcp(io: { readonly stdin: Readable; readonly stdout: Writable }): Promise<void> {
  const server = new McpServer(
    { name: 'styxy', version: STYXY_VERSION },
    {
      instructions:
        `Styxy runs the dev stack of the project in ${process.cwd()}: start it with \`up\` (it returns the ports), ` +
        'read a port with `port`, the status with `ps`, output with `logs`; `restart` a service after changing its ' +
        'code; `down` stops everything. Ports are assigned, never fixed: read them, do not guess them.',
    },
  );
  // A client may close stdin right after its last request: the calls still running are answered
  // before the server closes.
  const inFlight = new Set<Promise<unknown>>();
  registerTools(server, (work) => {
    const call = answer(work);
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
    return call;
  });
  const transport = new StdioServerTransport(io.stdin, io.stdout);
  const closed = new Promise<void>((resolve) => {
    io.stdin.once('end', resolve);
    io.stdin.once('close', resolve);
  });
  await server.connect(transport);
  await closed;
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  await new Promise((resolve) => setImmediate(resolve)); // the last answers are sent
  await server.close();
}
