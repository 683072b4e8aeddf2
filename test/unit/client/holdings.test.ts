import { describe, expect, it } from 'vitest';
import { parsePortFlags } from '../../../src/cli/run/port-flags.js';
import { Holdings } from '../../../src/client/holdings.js';
import { reclaimParams } from '../../../src/protocol/coordinator-params.js';

const registration = {
  id: 'shop-default-1',
  name: 'default',
  project: 'shop',
  root: '/work/shop',
  configFile: '/work/shop/styxy.config.ts',
  pid: 10,
  detached: false,
  controlSocket: null,
  runToken: 'tokentoken1234',
};

describe('client holdings', () => {
  it('records what is held, and sends a reclaim the coordinator accepts', () => {
    const holdings = new Holdings();
    holdings.registerStack(registration);
    holdings.addLeases([
      { port: 3000, type: 'dev', service: 'web', portName: 'PORT', stackId: 'shop-default-1', since: 1 },
      { port: 3001, type: 'dev', service: 'sh', portName: 'PORT', stackId: null, since: 1 },
    ]);
    holdings.reportProcess({ stackId: 'shop-default-1', service: 'web', pid: 11, pgid: 11 });
    holdings.reportProcess({ stackId: null, service: 'sh', pid: 12, pgid: 0, runToken: 'runtoken12345' });
    holdings.updateStack('shop-default-1', 'running', []);
    holdings.updateRegistration('shop-default-1', { controlSocket: '/c.sock' });
    const params = holdings.toReclaim();
    expect(reclaimParams.safeParse(params).success).toBe(true);
    expect(params.stacks[0]).toMatchObject({ phase: 'running', registration: { controlSocket: '/c.sock' } });
    expect(params.runTokens).toEqual(['runtoken12345']);

    holdings.reportExit({ stackId: null, service: 'sh', pid: 12 });
    holdings.releasePorts([3001]);
    holdings.forget({ lostPorts: [], lostStacks: [{ stackId: 'shop-default-1', pid: 99 }] });
    const after = holdings.toReclaim();
    expect(after.stacks).toEqual([]);
    expect(after.leases).toEqual([]); // the stack's lease went with it
    expect(after.processes).toEqual([]);
  });
});

describe('styxy run -p flags', () => {
  it('defaults to PORT:dev and accepts NAME[:TYPE]', () => {
    expect(parsePortFlags([], 'vite')).toEqual([
      { service: 'vite', portName: 'PORT', type: 'dev', preferred: null, fixed: null },
    ]);
    expect(parsePortFlags(['PORT', 'API_PORT:api'], 'x').map((r) => [r.portName, r.type])).toEqual([
      ['PORT', 'dev'],
      ['API_PORT', 'api'],
    ]);
  });

  it.each([
    ['1PORT', /not an environment variable name/],
    ['PORT:', /type after ":" is empty/],
  ])('refuses %s', (flag, message) => {
    expect(() => parsePortFlags([flag], 'x')).toThrow(message);
  });

  it('refuses a name given twice', () => {
    expect(() => parsePortFlags(['PORT', 'PORT:api'], 'x')).toThrow(/given twice/);
  });
});
