/**
 * Whether a command line starts a long-lived CLI process — a foreground `up`, `mcp`, `attach`,
 * `top`, `logs -f` — that must keep its build's chunks across an upgrade (docs/architecture.md,
 * "Upgrades"): it loads some of them only later (execa for a stop command when `q` stops the
 * stack), after `npm i -g styxy@new` may have replaced them. Read from argv alone, cheaply: a
 * short command (`styxy port`) reads no chunk it does not load.
 */
export function isLongLived(argv: readonly string[]): boolean {
  const command = argv.find((arg) => !arg.startsWith('-'));
  // `-d`, `--detach`, or a short flag among others (`-fn`).
  const has = (short: string | null, ...long: string[]) =>
    argv.some(
      (arg) => long.includes(arg) || (short !== null && /^-[a-zA-Z]+$/.test(arg) && arg.slice(1).includes(short)),
    );
  switch (command) {
    case 'up':
      return !has('d', '--detach', '--dry-run');
    case 'mcp':
    case 'attach':
    case 'top':
      return true;
    case 'logs':
      return has('f', '--follow');
    default:
      return false;
  }
}
