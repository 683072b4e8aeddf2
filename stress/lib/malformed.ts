/**
 * Malformed traffic for scenario 5 (pure but for the seeded generator: unit-tested): what a
 * broken or hostile peer of the same user writes on a Styxy socket. node-ipc frames are JSON
 * `{type, data}` ended by a form feed; our envelope is `request {id, method, params}` with a
 * `hello` first (transport/envelope.ts).
 *
 * Never a well-formed call that changes anything (a valid `shutdown`, `stopStack`, `reserve`,
 * `reportProcess`…): those are not malformed, and any client of this user may rightly make
 * them. Mutating methods appear only with params of the wrong types.
 */
import type { Rng } from './rng.ts';

export type Target = 'coordinator' | 'control';

export interface AttackPlan {
  /** What kind of mischief, for the attacker's tally. */
  readonly kind: string;
  /** Say a valid hello first (so that method-level mischief gets past the hello). */
  readonly hello: boolean;
  readonly writes: readonly (string | Buffer)[];
  /** How the session ends: half-close, abrupt close, or stay connected this long without reading. */
  readonly ending:
    | { readonly kind: 'end' }
    | { readonly kind: 'destroy' }
    | { readonly kind: 'linger'; readonly ms: number };
  /** Stop reading the socket (a peer that never takes its replies). */
  readonly paused: boolean;
}

export const FRAME_END = '\f';
/** The transports' frame cap (transport/ipc.ts MAX_MESSAGE_BYTES). */
const FRAME_CAP = 1024 * 1024;

export const frame = (type: string, data: unknown) => `${JSON.stringify({ type, data })}${FRAME_END}`;
export const request = (id: unknown, method: unknown, params?: unknown) =>
  frame('request', params === undefined ? { id, method } : { id, method, params });

/** `proof`: the file this process holds open to prove its pid to a coordinator (coordinator/verify-pid.ts). */
export function helloFrame(
  target: Target,
  protocol: number,
  pid: number,
  proof?: { readonly name: string; readonly fd: number },
): string {
  return request(
    0,
    'hello',
    target === 'coordinator'
      ? { protocol, pid, kind: 'cli', cwd: '/', version: 'stress', ...(proof ? { proof } : {}) }
      : { protocol, kind: 'stress' },
  );
}

/** Read-only methods: valid calls of these are fine in a flood. */
const READ_ONLY: Record<Target, readonly string[]> = {
  coordinator: ['status', 'listLeases', 'listStacks', 'types'],
  control: ['snapshot', 'logs'],
};

/** Methods that change something, each with params that must be refused. */
const WRONG_PARAMS: Record<Target, readonly [string, unknown][]> = {
  coordinator: [
    ['reserve', { requests: 'all of them' }],
    ['reserve', { requests: [] }],
    ['reserve', { requests: [{ service: 5, portName: 'PORT', type: 'churn', preferred: null, fixed: null }] }],
    ['reserve', { requests: [{ service: 'x', portName: 'not a name', type: 'churn', preferred: null, fixed: null }] }],
    ['reserve', { requests: [{ service: 'x', portName: 'PORT', type: null, preferred: null, fixed: null }] }],
    ['reserve', { requests: [{ service: 'x', portName: 'PORT', type: 'churn', preferred: 70_000, fixed: null }] }],
    ['reserve', { requests: Array.from({ length: 300 }, () => ({ service: 'x', portName: 'PORT', type: 'churn' })) }],
    ['release', { ports: ['13000'] }],
    ['release', { ports: [0, -1, 65_536] }],
    ['release', { ports: 13_000 }],
    ['check', { port: 'http' }],
    ['check', { port: 1.5 }],
    ['registerStack', { registration: { id: 5 } }],
    [
      'registerStack',
      {
        registration: {
          id: 'x',
          name: '../etc',
          project: 'p',
          root: '/',
          configFile: '/c',
          pid: 1,
          detached: false,
          controlSocket: null,
          runToken: 'short',
        },
      },
    ],
    ['reportProcess', { stackId: null, service: 'x', pid: 'self', pgid: 0 }],
    ['reportProcess', { stackId: null, service: 'x', pid: -4, pgid: 0 }],
    ['reportExit', { stackId: 7, service: 'x', pid: 1 }],
    ['updateStack', { stackId: 'x', phase: 'dancing', services: [] }],
    ['updateStackRegistration', { stackId: 'x', changes: 'all' }],
    ['unregisterStack', { stackId: '' }],
    ['reclaim', { stacks: 'x', leases: [], processes: [], runTokens: [] }],
    ['reclaim', { stacks: [], leases: [{ port: 'x' }], processes: [], runTokens: [] }],
    ['shutdown', 'now'],
    ['hello', { protocol: 'one' }],
  ],
  control: [
    ['logs', { limit: -1 }],
    ['logs', { limit: 1e9 }],
    ['logs', { service: 5 }],
    ['subscribe', { backlog: 'all' }],
    ['subscribe', { logs: 'yes' }],
    ['restartService', { service: 5 }],
    ['restartService', {}],
    ['stopService', { service: '' }],
    ['startService', { service: ['api'] }],
    ['stopStack', { force: 'yes' }],
    ['stopStack', 'now'],
    ['unsubscribe', 'x'],
    ['hello', { protocol: 'one' }],
  ],
};

const UNKNOWN_METHODS = [
  'nope',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  'm'.repeat(5000),
];

function garbage(rng: Rng, max: number): Buffer {
  const bytes = Buffer.alloc(rng.int(1, max));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 255);
  return bytes;
}

/** Who attacks what: the hello a server accepts needs the attacker's pid and the protocol version. */
export interface Attacker {
  readonly target: Target;
  readonly pid: number;
  readonly protocol: number;
}

type Maker = (rng: Rng, target: Target, attacker: Attacker) => AttackPlan;

const plan = (kind: string, writes: (string | Buffer)[], extra: Partial<AttackPlan> = {}): AttackPlan => ({
  kind,
  hello: true,
  writes,
  ending: { kind: 'end' },
  paused: false,
  ...extra,
});

/** Every kind of mischief, each a function of the generator. */
export const MAKERS: Readonly<Record<string, Maker>> = {
  garbage: (rng) =>
    plan(
      'garbage',
      Array.from({ length: rng.int(1, 6) }, () => garbage(rng, 400)),
      { hello: rng.chance(0.5) },
    ),
  'garbage-frames': (rng) =>
    plan(
      'garbage-frames',
      Array.from({ length: rng.int(1, 6) }, () => Buffer.concat([garbage(rng, 200), Buffer.from(FRAME_END)])),
    ),
  'huge-unterminated': () => plan('huge-unterminated', [Buffer.alloc(FRAME_CAP + 4096, 0x78)], { hello: false }),
  'huge-frame': (rng, target) =>
    plan('huge-frame', [request(1, rng.pick(READ_ONLY[target]), { pad: 'y'.repeat(FRAME_CAP + 1024) })]),
  'huge-many': () => plan('huge-many', [Buffer.alloc(3 * FRAME_CAP, 0x7b)], { ending: { kind: 'destroy' } }),
  'half-frame': (rng, target) => {
    const whole = request(1, rng.pick(READ_ONLY[target]), {});
    // The frame never completes: the server drops the peer after its incomplete-frame limit (5 s).
    return plan('half-frame', [whole.slice(0, rng.int(1, whole.length - 2))], {
      ending: { kind: 'linger', ms: rng.int(200, 6500) },
    });
  },
  'invalid-json': (rng) =>
    plan('invalid-json', [
      rng.pick([
        '{"type":"request","data":{"id":1,',
        '{"type":',
        '{type: request}',
        "{'type':'request'}",
        '{"type":"request","data":{"id":1,"method":"status"}}}',
        '\u0000\u0001\u0002',
        '{"type":"request","data":NaN}',
        'undefined',
      ]) + FRAME_END,
    ]),
  'not-an-envelope': (rng) =>
    plan('not-an-envelope', [
      rng.pick(['null', '[]', '"text"', '123', '{}', 'true', '{"data":{}}', '{"type":null}']) + FRAME_END,
    ]),
  'wrong-envelope': (rng, target) =>
    plan('wrong-envelope', [
      rng.pick([
        frame('request', 'status'),
        frame(42 as unknown as string, {}),
        frame('reply', { id: 1, ok: true, result: {} }),
        frame('event', { event: 'snapshot', data: {} }),
        frame('hello', {}),
        frame('x'.repeat(2000), {}),
        request({}, rng.pick(READ_ONLY[target])),
        request([1], rng.pick(READ_ONLY[target])),
        request(1.5, rng.pick(READ_ONLY[target])),
        request(null, rng.pick(READ_ONLY[target])),
        request(1, 42),
        request(1, null),
        request(1, rng.pick(READ_ONLY[target]), 'params'),
        request(1, rng.pick(READ_ONLY[target]), [1, 2]),
      ]),
    ]),
  'wrong-params': (rng, target) => {
    const [method, params] = rng.pick(WRONG_PARAMS[target]);
    return plan('wrong-params', [request(rng.int(1, 9), method, params)]);
  },
  'unknown-method': (rng) => plan('unknown-method', [request(1, rng.pick(UNKNOWN_METHODS), {})]),
  'before-hello': (rng, target) =>
    plan('before-hello', [request(1, rng.pick(READ_ONLY[target]), {})], { hello: false }),
  'wrong-version': (rng, target, { pid, protocol }) =>
    plan('wrong-version', [helloFrame(target, rng.pick([0, protocol + 1, 99, -1]), pid)], { hello: false }),
  'hello-twice': (_rng, target, { pid, protocol }) => plan('hello-twice', [helloFrame(target, protocol, pid)]),
  'colliding-ids': (rng, target) => {
    const method = rng.pick(READ_ONLY[target]);
    return plan('colliding-ids', [request(7, method, {}), request(7, method, {}), request(7, method, {})]);
  },
  flood: (rng, target) =>
    plan(
      'flood',
      Array.from({ length: 300 }, (_, i) => request(i + 1, rng.pick(READ_ONLY[target]), {})),
      { paused: true, ending: { kind: 'linger', ms: rng.int(100, 1500) } },
    ),
  idle: (rng) => plan('idle', [], { hello: rng.chance(0.5), ending: { kind: 'linger', ms: rng.int(500, 3000) } }),
  'abrupt-close': (rng, target) =>
    plan('abrupt-close', [request(1, rng.pick(READ_ONLY[target]), {})], { ending: { kind: 'destroy' } }),
};

const KINDS = Object.keys(MAKERS);

/** One random session of mischief. */
export function nextPlan(rng: Rng, attacker: Attacker): AttackPlan {
  return MAKERS[rng.pick(KINDS)]!(rng, attacker.target, attacker);
}
