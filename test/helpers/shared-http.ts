/**
 * The stack the shared-service e2e tests run: `db`, a shared HTTP service (the node fixture), and
 * `api`, which depends on it and gets its port.
 */
import type { StyxyConfig } from '../../src/config/types.js';
import { fixture, NODE } from './stack.js';

const HTTP = { command: [NODE, fixture('http-server.mjs')], ready: { http: '/health' } };

export const SHARED_HTTP_CONFIG: StyxyConfig = {
  services: {
    db: { ...HTTP, ports: { PORT: 'database' }, shared: true },
    api: { ...HTTP, ports: { PORT: 'api' }, env: { DB_PORT: '${db.PORT}' }, dependsOn: ['db'] },
  },
};
