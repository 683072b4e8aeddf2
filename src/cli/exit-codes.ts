/** Exit codes follow Unix habits: usage errors 2 (like getopt tools), interrupted 128 + SIGINT. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
} as const;
