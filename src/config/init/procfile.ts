/**
 * A Procfile (foreman, overmind, honcho, Heroku): one `name: command` per line. Like those tools,
 * a line is a process when it matches `^([A-Za-z0-9_-]+):\s*(.+)$`; anything else (comments,
 * blank lines, indented text) is ignored. Each process becomes a service running its command
 * with `sh -c`; a `$PORT` in it (foreman gives each process one) becomes a leased port.
 */
import type { ServiceConfig } from '../types.js';
import type { Draft, DraftService } from './draft.js';
import { linkPeerPorts } from './peer-ports.js';
import { portsFor } from './port-guess.js';
import { serviceNamer } from './service-names.js';

const PROCESS_LINE = /^([A-Za-z0-9_-]+):\s*(.+)$/;

export interface ProcfileEntry {
  readonly name: string;
  readonly command: string;
  /** 1-based. */
  readonly line: number;
}

export function parseProcfile(text: string): ProcfileEntry[] {
  const entries: ProcfileEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const match = PROCESS_LINE.exec(raw.trimEnd());
    if (match) entries.push({ name: match[1]!, command: match[2]!.trim(), line: index + 1 });
  });
  return entries;
}

export function fromProcfile(text: string, source = 'Procfile'): Draft {
  const entries = parseProcfile(text);
  const name = serviceNamer();
  const named = entries.map((entry) => ({ entry, ...name(entry.name) }));
  const linked = linkPeerPorts(named.map(({ entry, name }) => ({ name, command: entry.command })));
  const services: DraftService[] = named.map(({ entry, name, renamed }, index) => {
    const command = linked[index]!;
    const ports = portsFor(name, command);
    const config: ServiceConfig = { command, ...(ports ? { ports } : {}) };
    const comments = [`${source} line ${entry.line}: ${entry.name}: ${entry.command}`];
    if (renamed) comments.push(renamed);
    return { name, config, comments };
  });
  return {
    source,
    header: [
      `Styxy config written by \`styxy init\` from ${source}. Each process is a service; a $PORT`,
      'in a command is a port Styxy leases for it (from the range of the type named in `ports`:',
      "`styxy types` lists them). Check it with `styxy config`; the options are in Styxy's",
      'docs/configuration.md.',
    ],
    services,
    skipped: [],
  };
}
