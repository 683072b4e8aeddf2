/**
 * Property: no sequence of reservations, releases, disconnections, reconnections, owner deaths
 * and foreign programs taking ports ever leases one port to two owners, hands out a port
 * another program holds, loses a live owner's lease, or keeps a dead owner's lease past a sweep.
 * The whole coordinator runs in-process with fake effects (fake-coordinator.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../src/protocol/coordinator-protocol.js';
import { isStyxyError } from '../../../src/protocol/errors.js';
import { type FakeClient, fakeCoordinator, portRequest } from '../../helpers/fake-coordinator.js';

const TYPES = { dev: [3000, 3005], api: [8000, 8002] } as const;
const ALL_PORTS = [3000, 3001, 3002, 3003, 3004, 3005, 8000, 8001, 8002, 9000];

type Action =
  | { kind: 'connect' }
  | {
      kind: 'reserve';
      who: number;
      wants: { type: 'dev' | 'api' | null; preferred: number | null; fixed: number | null }[];
    }
  | { kind: 'release'; who: number; some: boolean }
  | { kind: 'disconnect'; who: number }
  | { kind: 'reconnect'; who: number }
  | { kind: 'die'; who: number }
  | { kind: 'sweep' }
  | { kind: 'foreign'; port: number; on: boolean };

const portArb = fc.constantFrom(...ALL_PORTS);
const want = fc.oneof(
  fc.record({
    type: fc.constantFrom('dev' as const, 'api' as const),
    preferred: fc.option(portArb),
    fixed: fc.constant(null),
  }),
  fc.record({ type: fc.constant(null), preferred: fc.constant(null), fixed: portArb }),
);
const who = fc.nat(5);
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'connect' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      who,
      wants: fc.array(want, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), who, some: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('die' as const), who }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign' as const), port: portArb, on: fc.boolean() }) },
);

interface Actor {
  client: FakeClient;
  /** What this client was told it holds. */
  held: Set<number>;
  dead: boolean;
}

async function play(actions: readonly Action[]): Promise<void> {
  const fake = fakeCoordinator({ types: TYPES });
  const actors: Actor[] = [];
  const pick = (index: number) => (actors.length === 0 ? undefined : actors[index % actors.length]);

  const check = () => {
    const owners = new Map<number, Actor>();
    for (const actor of actors) {
      if (actor.dead) continue;
      for (const port of actor.held) {
        // No port is held by two live clients.
        expect(owners.get(port), `port ${port} held twice`).toBeUndefined();
        owners.set(port, actor);
        // A live client's lease is never lost.
        expect(fake.state.registry.leases.get(port)?.owner).toBe(actor.client.owner.id);
      }
    }
    for (const lease of fake.state.registry.leases.values()) {
      expect(fake.state.owners.has(lease.owner), `lease ${lease.port} of a forgotten owner`).toBe(true);
    }
  };

  for (const step of actions) {
    switch (step.kind) {
      case 'connect':
        actors.push({ client: await fake.connect(), held: new Set(), dead: false });
        break;
      case 'reserve': {
        const actor = pick(step.who);
        if (!actor || actor.dead || actor.client.peer.closed) break;
        const requests = step.wants.map((w, i) =>
          portRequest(`s${i}`, `P${i}`, w.type, {
            ...(w.preferred ? { preferred: w.preferred } : {}),
            ...(w.fixed ? { fixed: w.fixed } : {}),
          }),
        );
        const busyBefore = new Set(fake.busy);
        try {
          const leases = await actor.client.call<Lease[]>('reserve', { requests });
          expect(leases).toHaveLength(requests.length);
          for (const lease of leases) {
            expect(busyBefore.has(lease.port), `handed out ${lease.port}, held by another program`).toBe(false);
            actor.held.add(lease.port);
          }
        } catch (error) {
          if (!isStyxyError(error)) throw error;
          expect(['STYXY_PORT_TAKEN', 'STYXY_RANGE_EXHAUSTED']).toContain(error.code);
        }
        break;
      }
      case 'release': {
        const actor = pick(step.who);
        if (!actor || actor.dead || actor.client.peer.closed) break;
        const ports = step.some ? [...actor.held].slice(0, 1) : undefined;
        await actor.client.call('release', ports ? { ports } : {});
        for (const port of ports ?? [...actor.held]) actor.held.delete(port);
        break;
      }
      case 'disconnect':
        pick(step.who)?.client.peer.close();
        break;
      case 'reconnect': {
        const actor = pick(step.who);
        if (!actor || actor.dead || !actor.client.peer.closed) break;
        const client = await fake.connect(actor.client.pid, actor.client.token);
        if (!client.resumed) {
          // Forgotten (it held nothing): start over, holding nothing.
          expect(actor.held.size).toBe(0);
        }
        actor.client = client;
        break;
      }
      case 'die': {
        const actor = pick(step.who);
        if (!actor || actor.dead) break;
        actor.dead = true;
        fake.killPid(actor.client.pid);
        actor.client.peer.close();
        break;
      }
      case 'sweep':
        fake.coordinator.sweep();
        break;
      case 'foreign':
        if (step.on) fake.busy.add(step.port);
        else fake.busy.delete(step.port);
        break;
    }
    await fake.settle();
    check();
  }
  // After a sweep, nothing of a dead owner remains.
  fake.coordinator.sweep();
  await fake.settle();
  const deadOwners = new Set(actors.filter((a) => a.dead).map((a) => a.client.owner.id));
  for (const lease of fake.state.registry.leases.values()) expect(deadOwners.has(lease.owner)).toBe(false);
}

describe('coordinator property', () => {
  it('never leases a port twice, never hands out a foreign port, never loses a live lease', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 60 }), (actions) => play(actions)),
      { numRuns: 300 },
    );
  });
});
