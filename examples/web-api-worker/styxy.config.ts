// A web front, an API and a background worker. The web server and the worker find the API through
// `${api.PORT}`: whatever port the API was leased, they are told. In your own project, write
// `import { defineConfig } from 'styxy';`.
import { defineConfig } from '../../src/index.ts';

export default defineConfig({
  name: 'web-api-worker',
  services: {
    api: {
      command: 'node api.mjs',
      ports: { PORT: 'api' },
      ready: { http: '/health' },
      restart: 'on-failure',
    },
    worker: {
      command: ['node', 'worker.mjs'],
      env: { API_URL: 'http://localhost:${api.PORT}' },
      dependsOn: ['api'],
      restart: 'always',
    },
    web: {
      command: 'node web.mjs',
      ports: { PORT: 'dev' },
      env: { API_URL: 'http://localhost:${api.PORT}' },
      dependsOn: { api: 'ready' },
    },
  },
});
