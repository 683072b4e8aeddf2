/**
 * A stack's control socket, served by its supervisor (foreground or background): status, recent
 * logs, a bounded stream of snapshots and lines (subscriber.ts), actions on one service, and the
 * stop of the whole stack. Every message is validated by the transport (rpc-server.ts) and the
 * schemas here: a broken client gets an error or a closed connection, never a hurt stack.
 */
import { chmodSync } from 'node:fs';
import type { CONTROL_PARAMS } from '../../protocol/control-params.js';
import {
  type ApplyConfigResult,
  CONTROL_PROTOCOL_VERSION,
  type ControlHello,
  type ControlProtocol,
  type StopStackResult,
} from '../../protocol/control-protocol.js';
import { StyxyError } from '../../protocol/errors.js';
import type { LogLine } from '../../protocol/stack.js';
import { type Handlers, methodTable, type RpcServer, serveRpc } from '../../transport/rpc-server.js';
import { unknownServiceError } from '../stack-errors.js';
import type { StackOutcome, StopOptions } from '../supervisor-types.js';
import type { StackView } from '../view.js';
import { prepareSocketPath } from './socket-file.js';
import { DEFAULT_SUBSCRIBER_LIMITS, lineJsonBytes, Subscriber, type SubscriberLimits } from './subscriber.js';

/** What the control socket serves: the stack's view, and its stop with the outcome. */
export interface ControlTarget extends StackView {
  stop(options?: StopOptions): Promise<StackOutcome>;
  applyConfig(): Promise<ApplyConfigResult>;
}

export interface ControlOptions {
  /** The stack's folder (`$STYXY_HOME/stacks/<id>`): the socket is `control.sock` in it. */
  readonly dir: string;
  /** Protocol violations, for the supervisor's log. @default nowhere */
  readonly log?: (line: string) => void;
  readonly limits?: SubscriberLimits;
}

export interface ControlServer {
  readonly socketPath: string;
  /** Subscribers connected now. */
  readonly subscribers: number;
  /** Sends what subscribers still wait for, closes every connection once flushed, stops listening. */
  close(): Promise<void>;
}

interface Session {
  subscription: { readonly subscriber: Subscriber; readonly off: () => void } | null;
}

/** A reply or a backlog stays well under the transport's 1 MiB frame cap. */
const REPLY_BYTES = 768 * 1024;

export async function serveControl(target: ControlTarget, options: ControlOptions): Promise<ControlServer> {
  const socketPath = await prepareSocketPath(options.dir);
  const limits = options.limits ?? DEFAULT_SUBSCRIBER_LIMITS;
  const sessions = new Set<Session>();
  const stack = target.getSnapshot().stack;
  const hello: Omit<ControlHello, 'protocol'> = {
    stack: { id: stack.id, name: stack.name, project: stack.project, root: stack.root, pid: stack.pid },
  };

  const knownService = (service: string | undefined): void => {
    if (service === undefined) return;
    const names = target.getSnapshot().services.map((s) => s.name);
    if (!names.includes(service)) throw unknownServiceError(service, names);
  };
  const unsubscribe = (session: Session) => {
    session.subscription?.off();
    session.subscription?.subscriber.close();
    session.subscription = null;
  };
  const action =
    (type: 'restart' | 'stop' | 'start') =>
    async ({ service }: { service: string }): Promise<null> => {
      await target.actions[type](service);
      return null;
    };

  // The params schemas (zod) load with the first request, not with the server: most background
  // stacks are never spoken to, and zod is a fifth of such a supervisor's memory
  // (docs/performance.md, "Scale and supervisor memory").
  let paramSchemas: Promise<typeof CONTROL_PARAMS> | null = null;
  const loadParams = () => {
    paramSchemas ??= import('../../protocol/control-params.js').then((loaded) => loaded.CONTROL_PARAMS);
    return paramSchemas;
  };
  const handlers: Handlers<Session, ControlProtocol, typeof CONTROL_PARAMS> = {
    snapshot: () => target.getSnapshot(),
    logs: ({ service, limit }) => {
      knownService(service);
      return { lines: newestThatFit(target.getLogs(service, limit)) };
    },
    subscribe: ({ service, logs, backlog }, session, peer) => {
      knownService(service);
      unsubscribe(session);
      const subscriber = new Subscriber(peer, { service, logs }, limits);
      // Registered before the backlog is read, in this same turn: no line falls between the two.
      const off = target.subscribe((event) => subscriber.push(event));
      session.subscription = { subscriber, off };
      const snapshot = target.getSnapshot();
      const room = REPLY_BYTES - Buffer.byteLength(JSON.stringify(snapshot));
      return { snapshot, lines: backlog > 0 ? newestThatFit(target.getLogs(service, backlog), room) : [] };
    },
    unsubscribe: (_params, session) => {
      unsubscribe(session);
      return null;
    },
    restartService: action('restart'),
    stopService: action('stop'),
    startService: action('start'),
    input: async ({ service, data }) => {
      await target.actions.input(service, data);
      return null;
    },
    applyConfig: () => target.applyConfig(),
    stopStack: async ({ force }): Promise<StopStackResult> => {
      const outcome = await target.stop({ force });
      return outcome.kind === 'failed'
        ? { outcome: 'failed', message: outcome.error.message }
        : { outcome: outcome.kind };
    },
  };

  const server: RpcServer = await serveRpc<Session>({
    socketPath,
    protocolVersion: CONTROL_PROTOCOL_VERSION,
    mismatch: (version) =>
      new StyxyError(
        'STYXY_PROTOCOL_MISMATCH',
        `this stack's supervisor speaks control protocol ${CONTROL_PROTOCOL_VERSION}, not ${version ?? '(none)'}`,
        { hint: 'it was started by another Styxy version: stop it with `styxy down` and start it again' },
      ),
    hello: async (params) => {
      const parsed = (await loadParams()).hello.safeParse(params);
      if (!parsed.success) throw new StyxyError('STYXY_BAD_REQUEST', 'invalid hello');
      const session: Session = { subscription: null };
      sessions.add(session);
      return { session, result: hello };
    },
    methods: async () => methodTable<Session, ControlProtocol, typeof CONTROL_PARAMS>(await loadParams(), handlers),
    onDisconnect: (session) => {
      if (!session) return;
      unsubscribe(session);
      sessions.delete(session);
    },
    log: options.log ?? (() => {}),
  });
  // Its folder is owner-only already; the socket itself too, in case it is ever moved.
  try {
    chmodSync(socketPath, 0o600);
  } catch {}

  let closing: Promise<void> | null = null;
  return {
    socketPath,
    get subscribers() {
      return [...sessions].filter((session) => session.subscription !== null).length;
    },
    close() {
      closing ??= (async () => {
        // Replies being written (the `stopStack` that ended the stack) go out first.
        await new Promise((resolve) => setImmediate(resolve));
        for (const session of sessions) session.subscription?.subscriber.flush();
        for (const peer of server.peers()) peer.close();
        const deadline = Date.now() + 1000;
        while (server.connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        for (const session of sessions) unsubscribe(session);
        server.close();
      })();
      return closing;
    },
  };
}

/** The newest lines whose total stays under `room` bytes, measured as sent (oldest first). */
function newestThatFit(lines: readonly LogLine[], room = REPLY_BYTES): LogLine[] {
  let bytes = 0;
  let first = lines.length;
  while (first > 0) {
    const size = lineJsonBytes(lines[first - 1]!);
    if (bytes + size > room) break;
    bytes += size;
    first--;
  }
  return lines.slice(first);
}
