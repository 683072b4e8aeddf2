/**
 * Which program holds a TCP port, for error messages and `styxy check`. Linux: the listening
 * socket's inode from /proc/net/tcp and tcp6, then the process whose /proc/<pid>/fd links to
 * it. Elsewhere: `lsof`, when installed. Either way the answer may be "unknown" (another user's
 * process, no lsof): the port is still reported as taken.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { childProcess } from './child-process.js';

export interface ProcessHolder {
  readonly pid: number | null;
  readonly command: string | null;
  /** The address it listens on (`127.0.0.1`, `::`), when known. */
  readonly address: string | null;
}

export interface ListeningSocket {
  readonly address: string;
  readonly port: number;
  readonly inode: number;
}

const LISTEN = '0A';

/** Decodes /proc/net/tcp's hex address (IPv4: one little-endian word; IPv6: four). */
export function decodeProcAddress(hex: string): string {
  if (hex.length === 8) {
    const bytes = Buffer.from(hex, 'hex').reverse();
    return [...bytes].join('.');
  }
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8)
    words.push(
      Buffer.from(hex.slice(i, i + 8), 'hex')
        .reverse()
        .toString('hex'),
    );
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((group) => group.replace(/^0{1,3}/, ''));
  const mapped = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  if (mapped) return `::ffff:${decodeProcAddress(hex.slice(24))}`;
  return compressIpv6(groups);
}

/** RFC 5952: the longest run of two or more zero groups becomes `::`. */
function compressIpv6(groups: readonly string[]): string {
  let best = { at: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

/** Listening sockets of a /proc/net/tcp{,6} table. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const result: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const [address, portHex] = fields[1]!.split(':');
    if (!address || !portHex) continue;
    result.push({ address: decodeProcAddress(address), port: Number.parseInt(portHex, 16), inode: Number(fields[9]) });
  }
  return result;
}

/**
 * The TCP ports `pid` listens on (its own descriptors, any address), or null when the OS will
 * not tell (no /proc, or another user's process).
 */
export async function listeningPortsOf(pid: number): Promise<number[] | null> {
  if (process.platform !== 'linux') return null;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => null);
  if (fds === null) return null;
  const inodes = new Set<number>();
  for (const fd of fds) {
    const match = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
    if (match) inodes.add(Number(match[1]));
  }
  const ports = new Set((await listeningSockets()).filter((s) => inodes.has(s.inode)).map((s) => s.port));
  return [...ports].sort((a, b) => a - b);
}

/** Every listening TCP socket the OS shows (Linux: /proc/net/tcp and tcp6), or [] where it cannot. */
export async function listeningSockets(): Promise<ListeningSocket[]> {
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      sockets.push(...parseProcNetTcp(await readFile(table, 'utf8')));
    } catch {
      // No IPv6, or no /proc/net.
    }
  }
  return sockets;
}

/**
 * The processes holding these sockets, by inode: one walk over /proc/<pid>/fd for all of them
 * (what `styxy scan` needs for a whole range; `check` asks for one port). A socket whose
 * process the walk cannot see (another user's) is left out.
 */
export async function socketOwners(
  sockets: readonly ListeningSocket[],
): Promise<Map<number, { readonly pid: number; readonly command: string | null }>> {
  const wanted = new Set(sockets.filter((s) => s.inode > 0).map((s) => `socket:[${s.inode}]`));
  const owners = new Map<number, { pid: number; command: string | null }>();
  if (wanted.size === 0) return owners;
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const fds = await readdir(`/proc/${name}/fd`).catch(() => [] as string[]);
    let command: string | null | undefined;
    for (const fd of fds) {
      const link = await readlink(`/proc/${name}/fd/${fd}`).catch(() => '');
      if (!wanted.has(link)) continue;
      command ??= formatCommand((await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0'));
      owners.set(Number(link.slice('socket:['.length, -1)), { pid: Number(name), command });
      wanted.delete(link);
      if (wanted.size === 0) return owners;
    }
  }
  return owners;
}

function lsofHolder(port: number): Promise<ProcessHolder | null> {
  return new Promise((resolve) => {
    childProcess().execFile(
      'lsof',
      ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpcn'],
      { timeout: 3000, encoding: 'utf8' },
      (error, stdout) => {
        if (error && !stdout) {
          resolve(null);
          return;
        }
        const pid = /^p(\d+)$/m.exec(stdout)?.[1];
        const command = /^c(.+)$/m.exec(stdout)?.[1] ?? null;
        const address = /^n(.+):\d+$/m.exec(stdout)?.[1] ?? null;
        resolve(pid ? { pid: Number(pid), command, address } : null);
      },
    );
  });
}

/** The program listening on `port`, or null when the OS shows none. */
export async function findPortHolder(port: number): Promise<ProcessHolder | null> {
  return (await findPortHolders([port])).get(port) ?? null;
}

/**
 * The programs listening on any of `ports` (the ports nothing listens on are left out): on Linux
 * one read of the socket tables and one walk over /proc for all of them, not one each (`down
 * --all` of 100 stacks asked for 500 ports one by one: 1.1 s of 2.7 s for 20 stacks at load 15).
 */
export async function findPortHolders(ports: readonly number[]): Promise<Map<number, ProcessHolder>> {
  const holders = new Map<number, ProcessHolder>();
  if (process.platform !== 'linux') {
    for (const port of ports) {
      const holder = await lsofHolder(port);
      if (holder) holders.set(port, holder);
    }
    return holders;
  }
  const wanted = new Set(ports);
  const sockets = (await listeningSockets()).filter((socket) => wanted.has(socket.port));
  if (sockets.length === 0) return holders;
  const owners = await socketOwners(sockets);
  for (const socket of sockets) {
    const owner = owners.get(socket.inode);
    const known = holders.get(socket.port);
    // A socket whose process the walk found beats one it could not see (another user's).
    if (owner && known?.pid == null)
      holders.set(socket.port, { pid: owner.pid, command: owner.command, address: socket.address });
    else if (!known) holders.set(socket.port, { pid: null, command: null, address: socket.address });
  }
  return holders;
}

/** `node server.js --port 3000`, shortened to fit a message. */
export function formatCommand(argv: readonly string[], max = 120): string | null {
  const text = argv.filter((part) => part.length > 0).join(' ');
  if (text.length === 0) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The `check` holder for a port that another program holds (what the OS told, or nulls). */
export function processHolder(holder: ProcessHolder | null): {
  kind: 'process';
  pid: number | null;
  command: string | null;
  address: string | null;
} {
  return {
    kind: 'process',
    pid: holder?.pid ?? null,
    command: holder?.command ?? null,
    address: holder?.address ?? null,
  };
}
