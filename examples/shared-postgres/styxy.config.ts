// One Postgres for every worktree of this repository, a database per worktree. In your own
// project, write `import { defineConfig } from 'styxy';`.
import { defineConfig } from '../../src/index.ts';

export default defineConfig({
  name: 'shared-postgres',
  services: {
    // Shared: the first stack of the repository (any worktree) starts it, the others join it, and
    // it stops when the last one is down. Its data lives outside the worktrees (postgres.sh).
    db: {
      command: 'sh postgres.sh',
      ports: { PORT: 'database' },
      ready: { log: 'database system is ready to accept connections', timeout: 60_000 },
      stopSignal: 'SIGINT', // Postgres's "fast" shutdown
      shared: true,
    },
    // A task of each stack: creates the stack's own database (named by STYXY_STACK_SLUG), then exits 0.
    createdb: {
      command: 'sh createdb.sh',
      env: { DB_PORT: '${db.PORT}' },
      dependsOn: { db: 'ready' },
    },
    // The app of each worktree talks to its own database on the shared server.
    app: {
      command: 'node app.mjs',
      ports: { PORT: 'api' },
      env: { DB_PORT: '${db.PORT}' },
      dependsOn: { createdb: 'completed' },
      ready: { http: '/' },
    },
  },
});
