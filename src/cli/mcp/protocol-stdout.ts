/**
 * An MCP server over stdio owns its stdout: one stray line there (a `console.log`, a command's
 * printout) breaks the client's reading of the protocol. So the server writes the protocol
 * through the stream this returns, and from then on everything else that writes to
 * `process.stdout` goes to stderr, which MCP clients show as the server's log.
 */
import { Writable } from 'node:stream';

export function takeStdoutForProtocol(
  stdout: NodeJS.WritableStream = process.stdout,
  log: NodeJS.WritableStream = process.stderr,
): Writable {
  const write = stdout.write.bind(stdout);
  const protocol = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk, (error) => callback(error ?? null));
    },
  });
  stdout.write = ((...args: Parameters<NodeJS.WritableStream['write']>) =>
    log.write(...(args as [string]))) as NodeJS.WritableStream['write'];
  return protocol;
}
