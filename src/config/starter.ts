/**
 * What `styxy init` writes: a small stack that runs anywhere Node does (no other tools), shows
 * the main options with comments, and loads as is.
 */
export const STARTER_FILE_NAME = 'styxy.config.ts';

export const STARTER_CONFIG = `// Styxy config: \`styxy up\` leases a port for each entry of \`ports\`, starts the services in
// dependency order with their ports in the environment, and gives everything back on exit.
// Check it with \`styxy config\`. Every option is described in Styxy's docs/configuration.md.
//
// \`defineConfig\` only adds editor help; the import works whether or not Styxy is installed here.
import { defineConfig } from 'styxy';

export default defineConfig({
  // name: 'my-project', // shown in \`styxy ps\` and \`styxy ls\`; default: this folder's name

  services: {
    // A small HTTP API. Its PORT comes from the \`api\` range (\`styxy types\` lists the ranges).
    api: {
      command: [
        'node',
        '-e',
        "require('node:http').createServer((req, res) => res.end(req.url === '/health' ? 'ok' : 'hello from api\\\\n')).listen(process.env.PORT)",
      ],
      ports: { PORT: 'api' },
      // Ready once GET /health answers 2xx/3xx (the default: once PORT accepts connections).
      ready: { http: '/health' },
      restart: 'on-failure', // 'no' (default), 'on-failure' or 'always'
    },

    // A web front end that talks to the API. \`\${api.PORT}\` becomes the API's leased port.
    web: {
      command: [
        'node',
        '-e',
        "require('node:http').createServer((req, res) => fetch(process.env.API_URL).then((r) => r.text(), (e) => e.message).then((text) => res.end('web; the api says: ' + text))).listen(process.env.PORT)",
      ],
      ports: { PORT: { type: 'dev', preferred: 3000 } }, // 3000 when free, else the \`dev\` range
      env: { API_URL: 'http://localhost:\${api.PORT}' },
      dependsOn: ['api'], // start once api is ready
    },
  },
});
`;
