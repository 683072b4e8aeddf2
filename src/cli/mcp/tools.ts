/**
 * The MCP server's tools, one per Styxy command an agent needs, for the stack of the folder the
 * server runs in (its working folder: `styxy mcp --cwd DIR` moves there first). Each answers what
 * the command prints with `--json` (plus the line people read), and fails as a tool error with
 * Styxy's message and hint. Their descriptions are written for the agent that picks them.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { StyxyError } from '../../protocol/errors.js';
import { checkPort, describePortCheck } from '../commands/check.js';
import { DEFAULT_DOWN_TIMEOUT_S, downTargets } from '../commands/down.js';
import { formatScan } from '../commands/scan.js';
import { lineFormatter } from '../logs/format-line.js';
import { logSources } from '../logs/log-sources.js';
import { readLogTail } from '../logs/stack-logs.js';
import { scanPorts } from '../scan/scan-ports.js';
import { currentStack } from '../stack/current-stack.js';
import { psDocument, snapshotDocument } from '../stack/ps-document.js';
import { formatPs } from '../stack/ps-table.js';
import { ACTION_PAST, restartService, type ServiceAction, sharedNote } from '../stack/restart-service.js';
import { servicePort } from '../stack/service-port.js';
import { withSharedServices } from '../stack/shared-document.js';
import { stopStacks } from '../stack/stop-stack.js';
import { upDetached } from '../up/detached.js';
import { DEFAULT_TIMEOUT_S } from '../up/run-detached.js';
import { documentResult, textResult } from './tool-result.js';

/** The most lines `logs` answers, and the most characters (the oldest lines go first). */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_CHARS = 64 * 1024;
/** With a filter, this many lines from the end are searched. */
const FILTER_WINDOW = 20_000;

const stackName = z
  .string()
  .max(64)
  .optional()
  .describe('the stack name, only for a second copy started with that name (default: the default stack)');
const serviceName = z.string().min(1).max(128);

/** Runs a tool's work and answers its outcome (tool-result.ts `answer`); the server counts the calls in flight. */
export type Answer = (work: () => Promise<CallToolResult>) => Promise<CallToolResult>;

export function registerTools(server: McpServer, answer: Answer): void {
  server.registerTool(
    'up',
    {
      title: 'Start the stack',
      description:
        "Start this project's dev stack in the background (`styxy up -d`) and return once every service is up, " +
        'with the port of each service (services[].ports, e.g. ports.PORT). Ports are assigned by Styxy, never ' +
        'fixed: read them from this result or from `port`, do not guess them. The stack keeps running after ' +
        'this returns; stop it with `down`. Safe to call when the stack is already starting or running: it waits ' +
        'for it and answers the same, with "reused": true (and applies config changes, listed in "changed"). If ' +
        'the start fails, nothing is left running and the error names the service that failed with its last lines. ' +
        'A shared service the stack uses (one instance for several stacks) is listed too, with "shared": true and ' +
        'the stacks using it ("users").',
      inputSchema: {
        services: z
          .array(serviceName)
          .max(64)
          .optional()
          .describe('start only these services (and what they depend on); default: all'),
        name: stackName,
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(3600)
          .optional()
          .describe('fail (stopping what started) if not every service is up by then; default 120'),
      },
    },
    // A call the client cancels stops a fresh start, as Ctrl-C stops `up -d`.
    (args, extra) =>
      answer(async () => {
        const document = await upDetached({
          cwd: process.cwd(),
          services: args.services ?? [],
          ...(args.name === undefined ? {} : { name: args.name }),
          timeoutMs: (args.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000,
          onProgress: log,
          signal: extra.signal,
        }).then(withSharedServices);
        return documentResult(formatPs(document), { ...document, ports: portMap(document) });
      }),
  );

  server.registerTool(
    'down',
    {
      title: 'Stop the stack',
      description:
        "Stop this project's stack: every service and every process it started, in reverse dependency order; its " +
        'ports are freed. Returns once everything is gone. Nothing running is no error.',
      inputSchema: {
        name: stackName,
        force: z.boolean().optional().describe('kill every service at once instead of stopping it gracefully'),
      },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    (args) =>
      answer(async () => {
        const stacks = await downTargets(args.name === undefined ? {} : { name: args.name });
        if (stacks.length === 0) return documentResult('nothing was running; nothing to stop', { stacks: [] });
        const results = await stopStacks(stacks, {
          force: !!args.force,
          timeoutMs: DEFAULT_DOWN_TIMEOUT_S * 1000,
          say: log,
        });
        const failed = results.filter((result) => !result.stopped);
        if (failed.length > 0) {
          const first = failed[0]!;
          throw new StyxyError('STYXY_INTERNAL', `could not stop ${first.project}/${first.name}: ${first.problem}`, {
            hint: 'see `ps`; `down` with force: true kills what is left',
          });
        }
        const freed = results.flatMap((result) => result.ports);
        return documentResult(
          `stopped ${results.map((r) => `${r.project}/${r.name}`).join(', ')}${freed.length > 0 ? `; freed ${freed.join(', ')}` : ''}`,
          { stacks: results },
        );
      }),
  );

  server.registerTool(
    'ps',
    {
      title: 'Stack status',
      description:
        "The status of this project's running stack: each service's status, ports, pid, restarts and uptime. " +
        'Statuses ready, running and completed are fine; starting and pending are on the way; failed and exited ' +
        'are not (read its `logs`). Shared services the stack uses are listed too ("shared": true, "users"). ' +
        'Fails with how to start it when the stack is not running.',
      inputSchema: { name: stackName },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const stack = await currentStack(args);
        const document = psDocument(stack, stack.services);
        return documentResult(formatPs(document), { ...document, ports: portMap(document) });
      }),
  );

  server.registerTool(
    'port',
    {
      title: 'Port of a service',
      description:
        'One port number of a service of the running stack: its first port (PORT), or the named one (e.g. DEBUG_PORT). Reach the service at localhost:<port>.',
      inputSchema: {
        service: serviceName.describe('the service, as named in the config'),
        portName: z.string().max(128).optional().describe('a port name of the service; default: its first port'),
        name: stackName,
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const port = servicePort(await currentStack(args), args.service, args.portName);
        return { ...textResult(String(port)), structuredContent: { port } };
      }),
  );

  server.registerTool(
    'logs',
    {
      title: 'Service logs',
      description:
        "The last lines the services of this project's stack printed (one service, or all of them as `name | line`), " +
        "read from the stack's log files, so it also works after the stack stopped or a service failed. Bounded: " +
        `\`lines\` from the end (default 100, at most ${MAX_LOG_LINES}); \`filter\` keeps only the lines that contain ` +
        "that text (case-insensitive). Styxy's own lines about a service start with [styxy].",
      inputSchema: {
        service: serviceName.optional().describe('only this service; default: every service'),
        lines: z.number().int().min(1).max(MAX_LOG_LINES).optional().describe('how many lines; default 100'),
        filter: z.string().min(1).max(256).optional().describe('only lines containing this text (case-insensitive)'),
        name: stackName,
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const sources = await logSources(args.service, args);
        const count = args.lines ?? 100;
        const needle = args.filter?.toLowerCase();
        const window = needle === undefined ? count : FILTER_WINDOW;
        let lines = readLogTail(sources.dir, sources.shown, window, (s) => sources.shared.get(s));
        if (needle !== undefined) lines = lines.filter((line) => line.text.toLowerCase().includes(needle));
        const format = lineFormatter({
          services: sources.known,
          prefix: sources.shown.length > 1,
          timestamps: false,
          json: false,
          stdout: {},
          env: { NO_COLOR: '1' },
        });
        let text = lines.slice(-count).map(format).join('');
        if (text.length > MAX_LOG_CHARS) text = `[… earlier lines left out]\n${text.slice(-MAX_LOG_CHARS)}`;
        const note = sources.running === null ? `(the stack is not running: these are its last lines)\n` : '';
        const empty = needle === undefined ? '(no lines yet)\n' : `(no line contains "${args.filter}")\n`;
        return textResult(`${note}${text || empty}`);
      }),
  );

  for (const action of ['start', 'stop', 'restart'] as const) registerServiceTool(server, answer, action);

  server.registerTool(
    'check',
    {
      title: 'Is a port free',
      description:
        'Whether a TCP port is free on this machine; if not, who holds it: a Styxy lease (stack, service, pid) or ' +
        'another program (pid and command). Use it before starting a server on a port yourself; better, let Styxy ' +
        'choose the port (`styxy run -p PORT -- <command>` puts a free one in $PORT).',
      inputSchema: { port: z.number().int().min(1).max(65535).describe('the port number') },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const result = await checkPort(args.port);
        return documentResult(describePortCheck(result), result);
      }),
  );

  server.registerTool(
    'scan',
    {
      title: 'Listening ports',
      description:
        'Every TCP port listening on this machine in a range (default: every range Styxy hands ports from), ' +
        'with its holder: a Styxy lease (stack, service, folder) or another program (pid, command, working ' +
        'folder when readable). Use it to find what holds the ports a server of yours wants.',
      inputSchema: {
        from: z.number().int().min(1).max(65535).optional().describe('first port of the range (with `to`)'),
        to: z.number().int().min(1).max(65535).optional().describe('last port of the range; default: `from`'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const range = args.from === undefined ? null : ([args.from, args.to ?? args.from] as const);
        if (range !== null && range[1] < range[0]) {
          throw new StyxyError('STYXY_USAGE', `no ports from ${range[0]} to ${range[1]}`, { hint: 'give from ≤ to' });
        }
        const document = await scanPorts(range === null ? null : [range]);
        return documentResult(formatScan(document).trimEnd(), document);
      }),
  );
}

const SERVICE_TOOLS: Record<ServiceAction, { title: string; description: string; destructive?: true }> = {
  start: {
    title: 'Start a service',
    description:
      'Start one service of the running stack: one that is off (outside the active profiles: its ports are ' +
      'assigned now, and the off services it depends on start with it) or one that was stopped (on its ports). ' +
      "Returns once it is up, with the stack's status and ports; fails with why (see `logs`) when it does not " +
      'come up. A stopped shared service starts in its own instance.',
  },
  stop: {
    title: 'Stop a service',
    description:
      'Stop one service of the running stack; the rest of the stack keeps running and the service keeps its ' +
      "ports (`start` starts it again on them; `down` stops the whole stack). Returns once it is stopped, with the stack's " +
      'status. A shared service (other stacks use it too) is refused unless `shared` is true.',
    destructive: true,
  },
  restart: {
    title: 'Restart a service',
    description:
      'Restart one service of the running stack, on the same ports (after changing its code). Returns once it is ' +
      "up again, with the stack's status; fails with why (see `logs`) when it does not come back. A shared " +
      'service (other stacks use it too) is refused unless `shared` is true.',
  },
};

/**
 * The tools `start`, `stop` and `restart`: the commands' own call (stack/restart-service.ts), the
 * `ps --json` document after it plus `ports`; a shared service acted on in its instance adds
 * `startedFor` / `stoppedFor` / `restartedFor` (the other stacks using it). `start` needs no
 * `shared` (starting a stopped shared service harms no other stack, as `styxy start`).
 */
function registerServiceTool(server: McpServer, answer: Answer, action: ServiceAction): void {
  const { title, description, destructive } = SERVICE_TOOLS[action];
  const shared = z
    .boolean()
    .optional()
    .describe(
      `a shared service: ${action} it in its own instance, for every stack using it (named in the answer); ` +
        `without it, to ${action} one is refused`,
    );
  server.registerTool(
    action,
    {
      title,
      description,
      inputSchema: {
        service: serviceName.describe(`the service to ${action}`),
        name: stackName,
        timeoutSeconds: z.number().int().min(1).max(3600).optional().describe('default 120'),
        ...(action === 'start' ? {} : { shared }),
      },
      ...(destructive ? { annotations: { destructiveHint: true } } : {}),
    },
    (args: { service: string; name?: string; timeoutSeconds?: number; shared?: boolean }) =>
      answer(async () => {
        const stack = await currentStack(args);
        const result = await restartService(stack, args.service, {
          timeoutMs: (args.timeoutSeconds ?? 120) * 1000,
          action,
          shared: args.shared === true,
        });
        const document = snapshotDocument(result.snapshot);
        const note = result.shared ? `${sharedNote(args.service, action, result.shared)}\n` : '';
        const sharedWith = result.shared ? { [`${ACTION_PAST[action]}For`]: result.shared.others } : {};
        return documentResult(`${note}${formatPs(document)}`, { ...document, ports: portMap(document), ...sharedWith });
      }),
  );
}

/** `{ web: { PORT: 3000 }, api: { PORT: 8000 } }`: the ports of a document, by service. */
function portMap(document: {
  readonly services: readonly { name: string; ports: Readonly<Record<string, number>> }[];
}) {
  return Object.fromEntries(document.services.map((service) => [service.name, service.ports]));
}

function log(text: string): void {
  process.stderr.write(`styxy mcp: ${text}\n`);
}
