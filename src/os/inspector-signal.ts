/**
 * Node opens its inspector (a debugger on TCP 127.0.0.1:9229 that runs any code it is sent) when
 * the process gets SIGUSR1. Any local user can connect to that port, so a long-lived Styxy
 * process (the coordinator, a supervisor) must not: a listener of its own keeps Node's away.
 */
let ignoring = false;

export function ignoreInspectorSignal(log: (line: string) => void = () => {}): void {
  if (ignoring) return;
  ignoring = true;
  process.on('SIGUSR1', () => log('SIGUSR1 ignored (Styxy never opens the Node inspector)'));
}
