import { describe, expect, it } from 'vitest';
import { bashListenPorts } from '../../../src/cli/agent/bash-ports.js';

describe('bashListenPorts', () => {
  it.each([
    ['python3 -m http.server 8000', [8000]],
    ['python -m http.server --bind 127.0.0.1 8001', [8001]],
    ['npm run dev -- --port 3000', [3000]],
    ['vite --port=5173 --strictPort', [5173]],
    ['npx next dev -p 3001', [3001]],
    ['PORT=3000 npm start', [3000]],
    ['API_PORT=8080 node server.js', [8080]],
    ['php -S localhost:8000 -t public', [8000]],
    ['uvicorn app:app --host 0.0.0.0 --port 8002', [8002]],
    ['python manage.py runserver 8003', [8003]],
    ['python manage.py runserver 0.0.0.0:8004', [8004]],
    ['nc -l 9000', [9000]],
    ['nc -lk 9001', [9001]],
    ['docker run -p 5432:5432 postgres', [5432]],
    ['docker run -p 127.0.0.1:6379:6379 redis', [6379]],
    ['cd web && PORT=3000 npm run dev & sleep 1', [3000]],
    ['npx serve -l 4000 dist', [4000]],
    ['node server.js --port 3000 & node worker.js --port 3000', [3000]],
  ])('%s → %j', (command, ports) => {
    expect(bashListenPorts(command)).toEqual(ports);
  });

  it.each([
    'ls -la',
    'npm test',
    'git push origin main',
    'curl localhost:3000/health',
    'curl -s http://127.0.0.1:8000/ | jq .',
    'psql -p 5432 -h localhost shop',
    'ssh -p 2222 host',
    'redis-cli -p 6379 ping',
    'nc localhost 8000',
    'styxy check 3000',
    'styxy run -p PORT -- node server.js',
    'mkdir -p build',
    'kill $(lsof -ti:3000)',
    'echo PORT=3000',
  ])('%s binds nothing', (command) => {
    expect(bashListenPorts(command)).toEqual([]);
  });
});
