/**
 * The stress run's small helpers: its options, its seeded generator, and the malformed traffic
 * of scenario 5 (which must never be a well-formed call that changes anything).
 */
import { describe, expect, it } from 'vitest';
import { stopStackParams } from '../../../src/protocol/control-params.js';
import { reserveParams } from '../../../src/protocol/coordinator-params.js';
import { type AttackPlan, FRAME_END, MAKERS, nextPlan } from '../../../stress/lib/malformed.ts';
import { parseOptions } from '../../../stress/lib/options.ts';
import { createRng } from '../../../stress/lib/rng.ts';

describe('parseOptions', () => {
  const parse = (...argv: string[]) => parseOptions(argv, [1, 2, 3, 4, 5], 42);
  it('runs every scenario by default, with a seed', () => {
    expect(parse()).toEqual({ ok: true, options: { only: [1, 2, 3, 4, 5], quick: false, seed: 42, keep: false } });
  });
  it('takes --only as a list, repeated or with =, in order, and the other flags', () => {
    expect(parse('--only', '4,2', '--only=2', '--quick', '--seed', '7', '--keep')).toEqual({
      ok: true,
      options: { only: [2, 4], quick: true, seed: 7, keep: true },
    });
  });
  it.each([
    [['--only', '9'], /no such scenario/],
    [['--only'], /needs a scenario number/],
    [['--seed', 'x'], /whole number/],
    [['--fast'], /unknown argument --fast/],
  ])('refuses %j', (argv, message) => {
    const result = parse(...argv);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('createRng', () => {
  it('replays the same draws from the same seed, and spreads them', () => {
    const a = createRng(5);
    const b = createRng(5);
    const draws = Array.from({ length: 1000 }, () => a.int(1, 6));
    expect(Array.from({ length: 1000 }, () => b.int(1, 6))).toEqual(draws);
    for (let face = 1; face <= 6; face++) expect(draws.filter((draw) => draw === face).length).toBeGreaterThan(100);
    expect(createRng(6).next()).not.toBe(createRng(5).next());
    expect(new Set(createRng(1).sample([1, 2, 3, 4, 5], 3)).size).toBe(3);
  });
});

/** The requests of a plan's frames (those that parse as JSON envelopes). */
function requestsOf(plan: AttackPlan): { method?: unknown; params?: unknown }[] {
  return plan.writes.flatMap((write) =>
    (typeof write === 'string' ? write : '').split(FRAME_END).flatMap((text) => {
      try {
        const frame = JSON.parse(text) as { type?: unknown; data?: { method?: unknown; params?: unknown } };
        return frame.type === 'request' && frame.data ? [frame.data] : [];
      } catch {
        return [];
      }
    }),
  );
}

describe('malformed traffic', () => {
  it('makes every kind, deterministically from the seed', () => {
    const attacker = { target: 'coordinator' as const, pid: 1, protocol: 1 };
    const kinds = new Set(Array.from({ length: 400 }, (_, i) => nextPlan(createRng(i), attacker).kind));
    expect([...kinds].sort()).toEqual(Object.keys(MAKERS).sort());
    expect(JSON.stringify(nextPlan(createRng(3), attacker))).toBe(JSON.stringify(nextPlan(createRng(3), attacker)));
  });

  // 600 plans, some of them megabytes: seconds of CPU, more on a loaded machine.
  it('never sends a well-formed call that would change something', { timeout: 60_000 }, () => {
    const rng = createRng(11);
    for (let i = 0; i < 300; i++) {
      for (const target of ['coordinator', 'control'] as const) {
        for (const request of requestsOf(nextPlan(rng, { target, pid: 1, protocol: 1 }))) {
          if (request.method === 'reserve') expect(reserveParams.safeParse(request.params).success).toBe(false);
          if (request.method === 'stopStack')
            expect(stopStackParams.safeParse(request.params ?? {}).success).toBe(false);
          expect(
            ['shutdown', 'reportProcess', 'registerStack', 'reclaim'].includes(String(request.method)) &&
              request.params !== undefined &&
              typeof request.params === 'object' &&
              !Array.isArray(request.params) &&
              Object.keys(request.params as object).length === 0,
          ).toBe(false);
        }
      }
    }
  });
});
