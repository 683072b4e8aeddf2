// Named ports, a fixed port, HTTP readiness checks, and a task that completes. In your own
// project, write `import { defineConfig } from 'styxy';`.
import { defineConfig } from '../../src/index.ts';

export default defineConfig({
  name: 'named-ports',
  services: {
    // One process, three listeners: each port is an env var of its own.
    app: {
      command: 'node app.mjs',
      ports: { PORT: 'api', ADMIN_PORT: 'ui', METRICS_PORT: { type: 'monitoring' } },
      ready: { http: '/healthz', timeout: 10_000 },
    },
    // An external service calls this one back at a URL registered once, so its port never moves:
    // fixed, and an error naming the holder if something else has it. See README.md for the choice.
    webhooks: {
      command: 'node webhooks.mjs',
      ports: { PORT: { port: 18471, fixed: true } },
      env: { APP_URL: 'http://localhost:${app.PORT}' },
      ready: { http: '/healthz' },
      dependsOn: ['app'],
    },
    // A task: prints where everything is, then exits 0 — "completed", not a failure.
    urls: {
      command: ['node', 'urls.mjs'],
      env: {
        APP: 'http://localhost:${app.PORT}',
        ADMIN: 'http://localhost:${app.ADMIN_PORT}/',
        METRICS: 'http://localhost:${app.METRICS_PORT}/metrics',
        WEBHOOKS: 'http://localhost:${webhooks.PORT}/hooks',
      },
      dependsOn: { app: 'ready', webhooks: 'ready' },
    },
  },
});
