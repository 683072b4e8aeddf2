/**
 * Loads React's production build before anything else loads React. React picks its build from
 * NODE_ENV when first loaded, and the development build costs the UI about twice the CPU per
 * frame (owner stacks, component timing). NODE_ENV is not ours to change for good: services
 * inherit Styxy's environment, and a dev server must not find itself in production. So it is set
 * only around these synchronous requires (nothing else can run in between), then put back.
 * Node's ESM loader reuses CommonJS modules already loaded, so Ink's `import 'react'` gets these.
 *
 * This must run before any module graph that contains React is linked (Node runs CommonJS
 * dependencies of ES modules while linking): run-ui.ts imports it first and loads Ink with a
 * dynamic import afterwards.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const previous = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';
try {
  // The scheduler is required by the reconciler only on its first render: load it now too.
  for (const id of ['react', 'react/jsx-runtime', 'react-reconciler', 'react-reconciler/constants.js', 'scheduler']) {
    require(id);
  }
} finally {
  if (previous === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = previous;
}
