// Python beside Node: Python's built-in static file server, a Node API, a Node gateway in front
// of both, and a Python client of the gateway. In your own project, write
// `import { defineConfig } from 'styxy';`.
import { defineConfig } from '../../src/index.ts';

export default defineConfig({
  name: 'polyglot',
  services: {
    static: {
      // `-u`: unbuffered, so its request log shows up as it happens.
      command: 'python3 -u -m http.server "$PORT" --bind 127.0.0.1 --directory public',
      ports: { PORT: 'docs' },
      ready: { http: '/' },
    },
    api: {
      command: 'node api.mjs',
      ports: { PORT: 'api' },
      ready: { http: '/api/health' },
    },
    gateway: {
      command: 'node gateway.mjs',
      ports: { PORT: 'dev' },
      env: {
        STATIC_URL: 'http://127.0.0.1:${static.PORT}',
        API_URL: 'http://localhost:${api.PORT}',
      },
      dependsOn: ['static', 'api'],
      ready: { http: '/api/health' },
    },
    client: {
      command: ['python3', '-u', 'client.py'],
      env: { GATEWAY_URL: 'http://localhost:${gateway.PORT}' },
      dependsOn: ['gateway'],
      restart: 'on-failure',
    },
  },
});
