/**
 * Is a TCP port free on this machine right now? We bind it and let go. Nothing is cached: a port
 * another program took a moment ago must never look free.
 *
 * Which addresses: a free port is "bindable on every local address" (docs/architecture.md,
 * "Choosing a port": `::`, `0.0.0.0`, 127.0.0.1, ::1 and each interface address), because
 * another program may hold a port on any one of them. On Linux one bind answers for all of
 * them: a dual-stack wildcard bind (`::` with IPV6_V6ONLY off, which libuv sets explicitly)
 * conflicts with a listener on any IPv4 or IPv6 address (the kernel's bind-conflict check
 * matches a wildcard against every address), so it fails exactly when a bind on some address
 * would. test/integration/coordinator/foreign-
 * listeners.test.ts proves it for every address of the test machine. That makes a probe one
 * bind instead of five to seven, which is most of a lease's cost. Where IPv6 is unavailable,
 * `0.0.0.0` does the same for IPv4. Other systems (BSD semantics: a wildcard bind may coexist
 * with a specific one) probe every address.
 *
 * get-port is not used: its lock is per process, and when a port is taken it silently returns a
 * random port outside the range; the coordinator's table is the only allocator, so all it needs
 * is this exact yes/no.
 */
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

export type BindOutcome = 'free' | 'busy' | 'not-applicable';

/** Tries to listen on `port` at `host`. 'not-applicable': this host has no such address. */
export function canBind(port: number, host: string): Promise<BindOutcome> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT' || code === 'EINVAL') resolve('not-applicable');
      else resolve('busy'); // EADDRINUSE, or EACCES (a privileged port we may not take)
    });
    server.listen({ port, host, exclusive: true, ipv6Only: false }, () => {
      server.close(() => resolve('free'));
    });
  });
}

/** Every local address a program could listen on, interface addresses included. */
export function localAddresses(): string[] {
  const hosts = new Set(['::', '0.0.0.0', '127.0.0.1', '::1']);
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    for (const address of addresses ?? []) {
      // Link-local IPv6 addresses need their zone to be bound.
      hosts.add(address.family === 'IPv6' && address.scopeid ? `${address.address}%${name}` : address.address);
    }
  }
  return [...hosts];
}

/**
 * True when every host is free or does not apply, and at least one is free. One host at a time:
 * our own probes of one port on two addresses at once would collide with each other (a
 * dual-stack `::` bind conflicts with `0.0.0.0`).
 */
async function freeOnAll(port: number, hosts: readonly string[]): Promise<boolean> {
  let anyFree = false;
  for (const host of hosts) {
    const outcome = await canBind(port, host);
    if (outcome === 'busy') return false;
    if (outcome === 'free') anyFree = true;
  }
  return anyFree;
}

const ADDRESS_REFRESH_MS = 5_000;

/**
 * The coordinator's probe: `probe(port)` is true when `port` can be bound on every local address.
 * (The address list, not any port's state, is refreshed every few seconds.)
 */
export function createPortProbe(platform: NodeJS.Platform = process.platform): (port: number) => Promise<boolean> {
  if (platform === 'linux') {
    return async (port) => {
      const dualStack = await canBind(port, '::');
      if (dualStack !== 'not-applicable') return dualStack === 'free';
      return (await canBind(port, '0.0.0.0')) === 'free';
    };
  }
  let hosts = localAddresses();
  let refreshedAt = Date.now();
  return (port) => {
    if (Date.now() - refreshedAt > ADDRESS_REFRESH_MS) {
      hosts = localAddresses();
      refreshedAt = Date.now();
    }
    return freeOnAll(port, hosts);
  };
}

/** The slow, literal check on every address (for `styxy check` and tests). */
export function isFreeOnEveryAddress(port: number): Promise<boolean> {
  return freeOnAll(port, localAddresses());
}
