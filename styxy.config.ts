// The repo's own demo stack: `npm start` runs it (only Node needed). See examples/ for more.
// In your own project, write `import { defineConfig } from 'styxy';`.
import { defineConfig } from './src/index.ts';

export default defineConfig({
  name: 'styxy-demo',
  services: {
    // A one-shot task: "completed" when it exits 0; the API waits for it.
    setup: { command: 'node setup.mjs', cwd: 'examples/demo' },
    api: {
      command: 'node api.mjs',
      cwd: 'examples/demo',
      ports: { PORT: 'api' },
      ready: { http: '/health' },
      dependsOn: { setup: 'completed' },
      restart: 'on-failure',
    },
    web: {
      command: 'node web.mjs',
      cwd: 'examples/demo',
      ports: { PORT: 'dev' },
      env: { API_URL: 'http://localhost:${api.PORT}' },
      dependsOn: ['api'],
    },
    clock: {
      command: ['node', 'clock.mjs'],
      cwd: 'examples/demo',
      ready: { log: '^ticking$' },
      restart: 'always',
    },
  },
});
