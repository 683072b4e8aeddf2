/**
 * The OS ephemeral port range: ports the kernel hands to outgoing connections. A dev server
 * given one of them may find it taken by a browser's connection the next time it starts, so
 * ranges skip them (unless a port is asked for by number).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** IANA's dynamic range: what macOS, Windows and the BSDs use by default. */
export const DEFAULT_EPHEMERAL: readonly [number, number] = [49152, 65535];

/** Parses `/proc/sys/net/ipv4/ip_local_port_range` ("32768\t60999"). */
export function parsePortRange(text: string): [number, number] | null {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return null;
  const from = Number(match[1]);
  const to = Number(match[2]);
  if (!(from >= 1 && to <= 65535 && from <= to)) return null;
  return [from, to];
}

/** The range in effect, read from the OS; the IANA default when it cannot tell. */
export function ephemeralRange(platform: NodeJS.Platform = process.platform): readonly [number, number] {
  try {
    if (platform === 'linux') {
      return parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')) ?? DEFAULT_EPHEMERAL;
    }
    if (platform === 'darwin' || platform === 'freebsd') {
      const out = execFileSync('sysctl', ['-n', 'net.inet.ip.portrange.first', 'net.inet.ip.portrange.last'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 2000,
      });
      return parsePortRange(out.replace(/\n/g, ' ')) ?? DEFAULT_EPHEMERAL;
    }
  } catch {
    // Fall through to the default.
  }
  return DEFAULT_EPHEMERAL;
}
