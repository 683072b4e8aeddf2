// Builds dist/ from src/ in two steps:
// 1. tsc: one ES module per source module, with .d.ts files. The package's library entry
//    (dist/index.js, `import { defineConfig } from 'styxy'`) and its types are these, and so are
//    the modules tests, benches and stress fixtures import one by one.
// 2. esbuild: the programs Node starts — the CLI (dist/cli/bin.js), the coordinator daemon
//    (dist/coordinator/main.js), the background supervisor (dist/supervisor/background-main.js)
//    and its config loader (dist/supervisor/config-main.js) — are bundled over tsc's copies of
//    those files, with code splitting: each entry loads
//    one small file, and every `import()` of the sources (a command, the TUI, the supervisor, the
//    config loader) becomes a chunk in dist/chunks/ loaded only when that code runs. A short
//    command reads bin.js and a few chunks (docs/architecture.md, "The build").
//
// Every bundled file sits two folders below the package root (dist/cli/, dist/coordinator/,
// dist/supervisor/, dist/chunks/), as every source module that joins a path to import.meta.url
// does (src/protocol/package-root.ts), so those paths resolve the same from src/, from tsc's
// dist/ and from a chunk; the build checks it.
//
// Runs on `npm install` and `npm ci` in a clone (preprepare), so a clean clone needs no extra step,
// and before `npm pack` (prepack). Not `prepare`: npm lists a `prepare` of a package installed from
// a tarball as an install script ("npm warn install-scripts"), though it never runs it there; a
// git install runs `npm install` in its clone (because of prepack), which runs preprepare.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

/**
 * Dependencies left to Node's resolver (imported from node_modules at run time) rather than
 * bundled, each for a reason (docs/architecture.md, "The build"):
 * - node-ipc (and so node-ipc/parsers: esbuild leaves a package's subpaths external too): the one
 *   reviewed version, 14.0.0, stays a visible installed package that scripts/check-deps.mjs
 *   checks, behind src/transport/ipc.ts;
 * - @lydell/node-pty: native code, optional;
 * - jiti: the config loader's worker resolves and loads it by path (config/load-module.ts);
 * - cosmiconfig: loads users' YAML/JSON configs; loaded only for those, and resolves loaders of
 *   its own at run time;
 * - react, react-reconciler, scheduler, ink: the UI must get React's production build, which
 *   ui/production-react.ts arranges through Node's module cache (a bundled copy would pick its
 *   build from NODE_ENV itself);
 * - @modelcontextprotocol/sdk: only `styxy mcp` loads it, its exports map resolves subpaths.
 * Bundled: commander, zod, chokidar, @bomb.sh/tab — plain JS that every process of its
 * kind loads anyway.
 */
const EXTERNAL = [
  'node-ipc',
  '@lydell/node-pty',
  'jiti',
  'cosmiconfig',
  'react',
  'react/*',
  'react-reconciler',
  'react-reconciler/*',
  'scheduler',
  'ink',
  '@modelcontextprotocol/sdk',
  '@modelcontextprotocol/sdk/*',
];

const ENTRIES = [
  'src/cli/bin.ts',
  'src/coordinator/main.ts',
  'src/supervisor/background-main.ts',
  // The background supervisor's config loader, a process of its own (supervisor/background/config-child.ts).
  'src/supervisor/config-main.ts',
];

/**
 * commander imports node:child_process at the top, for the executable subcommands Styxy does not
 * declare; in the bundles it gets a stand-in that loads the module on a first spawn, so a short
 * command that spawns nothing does not load it (src/os/child-process.ts does the same for ours).
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'commander-child-process', namespace: 'styxy-lazy' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'styxy-lazy' }, () => ({
      contents: "export default { spawn: (...args) => process.getBuiltinModule('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

/**
 * Node's built-ins as the bundles import them: `process.getBuiltinModule` instead of an ES module
 * import. An `import { x } from 'node:fs'` makes Node build the module's ES facade, which reads
 * every export once, and so runs the lazy getters behind them: fs.promises (and readline with it),
 * crypto.webcrypto, util.parseArgs and diff, process.report, worker_threads… — about 90 internal
 * modules that `styxy run -- true` compiled and never used. Each stand-in exports only the names
 * that are imported (the others are pure and dropped), read once when its chunk loads.
 */
const builtinsWithoutFacade = {
  name: 'builtins-without-facade',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z0-9_/]+$/ }, (args) =>
      isBuiltin(args.path) && args.namespace === 'file'
        ? // One stand-in per importer: shared ones would become chunks of their own, files to read.
          {
            path: `${args.path.replace(/^(node:)?/, 'node:')}?${relative(root, args.importer)}`,
            namespace: 'styxy-builtin',
          }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'styxy-builtin' }, (args) => {
      const builtin = args.path.slice(0, args.path.indexOf('?'));
      const names = Object.keys(process.getBuiltinModule(builtin)).filter(
        (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default',
      );
      return {
        contents: [
          `const __builtin = process.getBuiltinModule(${JSON.stringify(builtin)});`,
          'const __read = (name) => __builtin[name];',
          'export default __builtin;',
          ...names.map((name) => `export const ${name} = /* @__PURE__ */ __read(${JSON.stringify(name)});`),
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

async function bundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outbase: 'src',
    outdir: 'dist',
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: EXTERNAL,
    plugins: [lazyChildProcessForCommander, builtinsWithoutFacade],
    // CommonJS code bundled into ES modules (commander) calls require() for Node's built-ins.
    banner: {
      js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);",
    },
    // Linked maps: `node --enable-source-maps` (or NODE_OPTIONS) shows src/ positions; off by
    // default (Node then maps every stack it prints). No sources inside: src/ is in the repo.
    sourcemap: 'linked',
    sourcesContent: false,
    minifySyntax: true,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
  for (const file of outputs) {
    const depth = relative(root, join(root, file)).split(sep).length - 1;
    if (depth !== 2) throw new Error(`build: ${file} is not two folders below the package root`);
  }
  // What each bundled file holds, for the import-budget test (test/e2e/stack-commands.test.ts).
  writeFileSync(join(root, 'dist', 'bundle-meta.json'), JSON.stringify(result.metafile));
  writeFileSync(join(root, 'dist', 'build.json'), JSON.stringify(buildRecord(result.metafile, outputs)));
}

/**
 * dist/build.json, in the package: this build's id (a hash of every bundled file) and, for each
 * long-lived program, every chunk it can load, so that a process that an older install started
 * keeps what it may still import when an upgrade replaces dist/ (src/os/kept-chunks.ts), and a
 * newer CLI can tell it runs another build (docs/architecture.md, "Upgrades").
 */
function buildRecord(metafile, outputs) {
  const hash = createHash('sha256');
  for (const file of [...outputs].sort()) hash.update(`${file}\0`).update(readFileSync(join(root, file)));
  const closure = (entry, dynamic) => {
    const seen = new Set();
    const todo = [entry];
    while (todo.length > 0) {
      const file = todo.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      for (const imported of metafile.outputs[file]?.imports ?? []) {
        if (!imported.external && (dynamic || imported.kind !== 'dynamic-import')) todo.push(imported.path);
      }
    }
    return seen;
  };
  const names = (files) => [...files].map((file) => relative(join(root, 'dist'), file).split(sep).join('/')).sort();
  // `lazy`: the chunks behind an import(), loaded later; `loaded`: its static imports, loaded with
  // it (a lazy chunk imports them again by name, so they must keep resolving).
  const reachable = (entry) => {
    const loaded = closure(entry, false);
    loaded.delete(entry);
    const lazy = [...closure(entry, true)].filter((file) => file !== entry && !loaded.has(file));
    return { loaded: names(loaded), lazy: names(lazy) };
  };
  return {
    id: hash.digest('hex').slice(0, 12),
    chunks: {
      'supervisor/background-main.js': reachable('dist/supervisor/background-main.js'),
      'coordinator/main.js': reachable('dist/coordinator/main.js'),
      'cli/bin.js': reachable('dist/cli/bin.js'),
    },
  };
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
await bundle();
chmodSync(join(root, 'dist', 'cli', 'bin.js'), 0o755);
