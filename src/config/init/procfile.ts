/**
 * A Procfile (foreman, overmind, honcho, Heroku): one `name: command` per line. Like those tools,
 * a line is a process when it matches `^([A-Za-z0-9_-]+):\s*(.+)$`; anything else (comments,
 * blank lines, indented text) is ignored. Each process becomes a service running its command
 * with `sh -c`. A `$PORT` in it becomes a leased port; so does the `web` process's PORT even when
 * its command does not say it (on Heroku the web process is the one given a port, and apps read
 * it from the environment). Other processes get no port unless they use one: a leased port is
 * also their readiness check, which a worker that never listens would fail.
 */
import type { ServiceConfig } from '../types.js';
import type { Draft, DraftService } from './draft.js';
import { linkPeerPorts } from './peer-ports.js';
import { guessPortType, portsFor } from './port-guess.js';
import { serviceNamer } from './service-names.js';

const PROCESS_LINE = /^([A-Za-z0-9_-]+):\s*(.+)$/;
/** The process type Heroku routes HTTP to, and gives $PORT. */
const WEB = 'web';

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
  const web = new Set(named.filter(({ name }) => name === WEB).map(({ name }) => name));
  const linked = linkPeerPorts(
    named.map(({ entry, name }) => ({ name, command: entry.command })),
    web,
  );
  const services: DraftService[] = named.map(({ entry, name, renamed }, index) => {
    const command = linked[index]!;
    const ports = portsFor(name, command) ?? (web.has(name) ? { PORT: guessPortType(name, command) } : undefined);
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
