/**
 * A reader that went away (`styxy ls | head -1`) ends a command quietly, as SIGPIPE ends a Unix
 * tool: no stack trace, exit 141 (128 + SIGPIPE, what a shell reports for a tool SIGPIPE
 * killed). Node ignores SIGPIPE, so a write into a closed pipe becomes an EPIPE 'error' event,
 * which, unhandled, would crash with a stack trace.
 *
 * A command that must outlive its reader (a foreground `up` keeps running its stack; `logs -f`
 * stops following) adds its own 'error' listener to the stream: this one then leaves it to it.
 */
export const EXIT_SIGPIPE = 128 + 13;

export function exitQuietlyOnEpipe(
  stream: NodeJS.WriteStream,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (stream.listenerCount('error') > 1) return;
    if (error.code === 'EPIPE') exit(EXIT_SIGPIPE);
    else throw error;
  });
}
