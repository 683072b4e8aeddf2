/**
 * `styxy mcp` as an agent's client sees it: the MCP SDK's own Client over a real stdio transport
 * spawning the built CLI in a project folder, against a real coordinator and real services.
 */
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackgroundHome, makeBackgroundHome } from '../helpers/background.js';
import { CLI_BIN, runCli } from '../helpers/coordinator.js';
import { fixture, NODE } from '../helpers/stack.js';

let background: BackgroundHome;
let root: string;
let client: Client;
let stderr = '';
/** The MCP servers' pids: they carry the home too, and are not left over. */
const servers: number[] = [];

type ToolAnswer = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: unknown };

async function call(name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 90_000 })) as ToolAnswer;
}

beforeAll(async () => {
  background = makeBackgroundHome();
  root = background.project('shop', {
    name: 'shop',
    services: {
      api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
      web: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'dev' }, dependsOn: ['api'] },
    },
  });
  // The server's stdout must carry only the protocol: the client fails to parse anything else.
  const env = Object.fromEntries(
    Object.entries(background.home.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const transport = new StdioClientTransport({ command: NODE, args: [CLI_BIN, 'mcp'], cwd: root, env, stderr: 'pipe' });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  client = new Client({ name: 'styxy-test', version: '0.0.0' });
  await client.connect(transport);
  servers.push(transport.pid!);
}, 60_000);

/** A second client, of a server started with `--cwd DIR` (its pid kept in `servers`). */
async function clientFor(dir: string): Promise<Client> {
  const env = Object.fromEntries(
    Object.entries(background.home.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const other = new Client({ name: 'styxy-test', version: '0.0.0' });
  const transport = new StdioClientTransport({
    command: NODE,
    args: [CLI_BIN, 'mcp', '--cwd', dir],
    env,
    stderr: 'pipe',
  });
  await other.connect(transport);
  servers.push(transport.pid!);
  return other;
}

afterAll(async () => {
  await client?.close();
  await background?.cleanup();
});

describe('styxy mcp', () => {
  it('lists its tools, each described for an agent', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'check',
      'down',
      'logs',
      'port',
      'ps',
      'restart',
      'scan',
      'start',
      'stop',
      'up',
    ]);
    for (const tool of tools) expect(tool.description?.length, tool.name).toBeGreaterThan(60);
    const logs = tools.find((tool) => tool.name === 'logs')!;
    expect(Object.keys(logs.inputSchema.properties ?? {}).sort()).toEqual(['filter', 'lines', 'name', 'service']);
    const start = tools.find((tool) => tool.name === 'start')!;
    expect(Object.keys(start.inputSchema.properties ?? {}).sort()).toEqual(['name', 'service', 'timeoutSeconds']);
    const stop = tools.find((tool) => tool.name === 'stop')!;
    expect(Object.keys(stop.inputSchema.properties ?? {}).sort()).toEqual([
      'name',
      'service',
      'shared',
      'timeoutSeconds',
    ]);
    expect(stop.annotations?.destructiveHint).toBe(true);
  });

  it('fails as a tool error with the message and hint while nothing runs', async () => {
    const ps = await call('ps');
    expect(ps.isError).toBe(true);
    expect(ps.content[0]!.text).toBe(`no stack of ${root} is running\nhint: start it with \`styxy up\``);
  });

  it('up returns the port map of a stack it leaves running; ps, port, logs and restart agree', async () => {
    const up = await call('up');
    expect(up.isError, `${up.content[0]?.text}\n(server log:)\n${stderr}`).toBeFalsy();
    const document = up.structuredContent as {
      stack: { name: string; pid: number };
      services: { name: string; status: string; ports: Record<string, number> }[];
      ports: Record<string, Record<string, number>>;
    };
    expect(document.services.map((s) => [s.name, s.status])).toEqual([
      ['api', 'ready'],
      ['web', 'ready'],
    ]);
    const [apiFrom, apiTo] = background.home.ranges.api!;
    expect(document.ports.api!.PORT).toBeGreaterThanOrEqual(apiFrom);
    expect(document.ports.api!.PORT).toBeLessThanOrEqual(apiTo);
    expect(up.content[0]!.text).toMatch(/^shop\/default {2}running/);
    const api = document.ports.api!.PORT!;
    expect(await (await fetch(`http://localhost:${api}/`)).text()).toBe('ok api');

    const port = await call('port', { service: 'web' });
    expect(port.content[0]!.text).toBe(String(document.ports.web!.PORT));
    const unknown = await call('port', { service: 'nope' });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]!.text).toBe('no service "nope" in stack shop/default\nhint: its services: api, web');

    const ps = await call('ps');
    expect((ps.structuredContent as typeof document).ports).toEqual(document.ports);

    const logs = await call('logs', { service: 'api', filter: 'LISTENING' });
    expect(logs.content[0]!.text).toBe(`listening on ${api}\n`);
    const none = await call('logs', { filter: 'no such text' });
    expect(none.content[0]!.text).toBe('(no line contains "no such text")\n');
    const all = await call('logs', { lines: 2 });
    expect(all.content[0]!.text.trimEnd().split('\n')).toHaveLength(2);

    const restart = await call('restart', { service: 'api' });
    expect(restart.isError, restart.content[0]?.text).toBeFalsy();
    const restarted = restart.structuredContent as typeof document & { services: { restarts: number }[] };
    expect(restarted.ports.api).toEqual(document.ports.api);

    // up again: the same stack, reused, the same ports.
    const again = await call('up');
    expect(again.structuredContent).toMatchObject({ reused: true, ports: document.ports });

    const check = await call('check', { port: api });
    expect(check.structuredContent).toMatchObject({
      port: api,
      free: false,
      holder: { kind: 'lease', service: 'api' },
    });
    expect(check.content[0]!.text).toMatch(new RegExp(`^port ${api} is leased to stack shop/default: service api`));

    const down = await call('down');
    expect(down.isError, down.content[0]?.text).toBeFalsy();
    expect(down.content[0]!.text).toMatch(/^stopped shop\/default; freed /);
    expect((await call('check', { port: api })).structuredContent).toMatchObject({ free: true });
    expect((await call('down')).content[0]!.text).toMatch(/^nothing was running/);
  }, 120_000);

  it('a failed start is a tool error naming the service, with nothing left running', async () => {
    const broken = background.project('broken', {
      name: 'broken',
      services: { bad: { command: 'echo boom; exit 3', ports: { PORT: 'api' } } },
    });
    const other = await clientFor(broken);
    try {
      const up = (await other.callTool({ name: 'up', arguments: {} }, undefined, { timeout: 90_000 })) as ToolAnswer;
      expect(up.isError).toBe(true);
      // The command's error as it prints it, without its progress lines or the `styxy: ` prefix.
      expect(up.content[0]!.text).toMatch(
        /^service "bad" failed: exited with code 3 before it was ready\n[\s\S]*\| boom\nhint: /,
      );
      expect(background.leftovers().filter((pid) => !servers.includes(pid))).toEqual([]);
      const ps = (await other.callTool({ name: 'ps', arguments: {} })) as ToolAnswer;
      expect(ps.content[0]!.text).toMatch(/^no stack of .*broken is running/);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('start starts an off service with the off one it needs; stop stops one while the stack and its ports stay', async () => {
    const extras = background.project('extras', {
      name: 'extras',
      services: {
        api: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'api' } },
        stub: { command: [NODE, fixture('http-server.mjs')], ports: { PORT: 'dev' }, profiles: ['debug'] },
        mock: {
          command: [NODE, fixture('http-server.mjs')],
          ports: { PORT: 'dev' },
          profiles: ['debug'],
          dependsOn: ['stub'],
        },
      },
    });
    const other = await clientFor(extras);
    type Document = {
      stack: { name: string };
      services: { name: string; status: string; pid: number | null; ports: Record<string, number> }[];
      ports: Record<string, Record<string, number>>;
    };
    const use = async (name: string, args: Record<string, unknown>) =>
      (await other.callTool({ name, arguments: args }, undefined, { timeout: 90_000 })) as ToolAnswer;
    const statuses = (document: Document) => document.services.map((s) => [s.name, s.status]);
    try {
      const up = await use('up', {});
      expect(up.isError, up.content[0]?.text).toBeFalsy();
      expect(statuses(up.structuredContent as Document)).toEqual([
        ['api', 'ready'],
        ['stub', 'off'],
        ['mock', 'off'],
      ]);
      const api = (up.structuredContent as Document).ports.api!.PORT!;

      const started = await use('start', { service: 'mock' });
      expect(started.isError, started.content[0]?.text).toBeFalsy();
      const after = started.structuredContent as Document;
      expect(statuses(after)).toEqual([
        ['api', 'ready'],
        ['stub', 'ready'],
        ['mock', 'ready'],
      ]);
      const mock = after.ports.mock!.PORT!;
      const [devFrom, devTo] = background.home.ranges.dev!;
      expect(mock).toBeGreaterThanOrEqual(devFrom);
      expect(mock).toBeLessThanOrEqual(devTo);
      expect(await (await fetch(`http://localhost:${mock}/`)).text()).toBe('ok mock');
      expect(started.content[0]!.text).toMatch(/^extras\/default {2}running/);

      const stopped = await use('stop', { service: 'api' });
      expect(stopped.isError, stopped.content[0]?.text).toBeFalsy();
      const now = stopped.structuredContent as Document;
      expect(statuses(now)).toEqual([
        ['api', 'stopped'],
        ['stub', 'ready'],
        ['mock', 'ready'],
      ]);
      // The stack runs on and api keeps its port, leased to it, that nothing listens on now.
      expect(now.ports.api).toEqual({ PORT: api });
      expect((await use('ps', {})).structuredContent).toMatchObject({ ports: { api: { PORT: api } } });
      expect((await use('check', { port: api })).structuredContent).toMatchObject({
        free: false,
        holder: { kind: 'lease', service: 'api' },
      });
      await expect(fetch(`http://localhost:${api}/`)).rejects.toThrow();
      expect(await (await fetch(`http://localhost:${mock}/`)).text()).toBe('ok mock');

      // start of the stopped one: on its port again.
      const again = await use('start', { service: 'api' });
      expect(again.isError, again.content[0]?.text).toBeFalsy();
      expect((again.structuredContent as Document).ports.api).toEqual({ PORT: api });
      expect(await (await fetch(`http://localhost:${api}/`)).text()).toBe('ok api');

      const unknown = await use('stop', { service: 'nope' });
      expect(unknown.isError).toBe(true);
      expect(unknown.content[0]!.text).toContain('no service "nope"');
    } finally {
      await use('down', {}).catch(() => {});
      await other.close();
    }
  }, 180_000);

  it('scan lists a foreign listener with its pid', async () => {
    const port = background.home.spare[2]!;
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, resolve));
    try {
      const scan = await call('scan', { from: port });
      expect(scan.isError, scan.content[0]?.text).toBeFalsy();
      expect(scan.structuredContent).toMatchObject({
        ranges: [[port, port]],
        ports: [{ port, holder: { kind: 'process', pid: process.pid } }],
      });
      const bad = await call('scan', { from: port, to: port - 1 });
      expect(bad.isError).toBe(true);
    } finally {
      server.close();
    }
  });

  it('answers the calls a client sent before closing stdin; every stdout line is a protocol message', async () => {
    const requests = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'check', arguments: { port: background.home.spare[0] } },
      },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'ps', arguments: {} } },
    ];
    const result = await runCli(['mcp'], {
      env: background.home.env,
      cwd: root,
      input: requests.map((request) => `${JSON.stringify(request)}\n`).join(''),
    });
    expect(result.code, result.stderr).toBe(0);
    const answers = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; result: ToolAnswer });
    expect(answers.map((a) => a.id).sort()).toEqual([1, 2, 3]);
    expect(answers.find((a) => a.id === 2)!.result.structuredContent).toMatchObject({ free: true });
    expect(answers.find((a) => a.id === 3)!.result.isError).toBe(true);
  });
});
