import { describe, expect, it } from 'vitest';
import { findReferences, interpolate } from '../../../src/config/interpolate.js';

const ports = { api: { PORT: 8001, DEBUG_PORT: 9201 }, 'web-app': { PORT: 3002 } };

describe('interpolate', () => {
  it.each([
    ['postgres://localhost:${api.PORT}/shop', 'postgres://localhost:8001/shop'],
    ['${api.PORT}-${api.DEBUG_PORT}-${web-app.PORT}', '8001-9201-3002'],
    ['no references', 'no references'],
    ['shell ${HOME} and ${PORT:-3000} stay', 'shell ${HOME} and ${PORT:-3000} stay'],
    ['$PORT stays for the shell', '$PORT stays for the shell'],
  ])('%s', (template, expected) => {
    expect(interpolate(template, ports)).toBe(expected);
  });

  it('throws on a reference to a port that was not leased', () => {
    expect(() => interpolate('${api.NOPE}', ports)).toThrow(/\$\{api\.NOPE\}/);
    expect(() => interpolate('${db.PORT}', ports)).toThrow(/service "db"/);
  });

  it('finds references with their text', () => {
    expect(findReferences('a ${api.PORT} b ${db.PG_PORT} ${HOME}')).toEqual([
      { service: 'api', port: 'PORT', text: '${api.PORT}' },
      { service: 'db', port: 'PG_PORT', text: '${db.PG_PORT}' },
    ]);
  });
});
