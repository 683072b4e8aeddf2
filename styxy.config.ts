// The repo's own demo stack: `npm start` runs it. See examples/ for more.
import { defineConfig } from './src/index.ts';

export default defineConfig({
  name: 'styxy-demo',
  services: {
    api: {
      command: ['node', '-e', "require('http').createServer((q,s)=>s.end('ok')).listen(process.env.PORT)"],
      ports: { PORT: 'api' },
    },
  },
});
