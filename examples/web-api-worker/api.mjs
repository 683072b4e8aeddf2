// The API: a job queue in memory. GET /health, GET /api/stats, POST /api/jobs (enqueue),
// POST /api/jobs/next (the worker takes one), POST /api/jobs/:id/done.
import { createServer } from 'node:http';

const jobs = [];
let nextId = 1;
let done = 0;

const server = createServer((req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/health') return send(200, { ok: true });
  if (req.url === '/api/stats') return send(200, { queued: jobs.length, done });
  if (req.method === 'POST' && req.url === '/api/jobs') {
    const job = { id: nextId++, at: new Date().toISOString() };
    jobs.push(job);
    return send(201, job);
  }
  if (req.method === 'POST' && req.url === '/api/jobs/next') return send(200, jobs.shift() ?? null);
  if (req.method === 'POST' && /^\/api\/jobs\/\d+\/done$/.test(req.url)) {
    done++;
    return send(200, { done });
  }
  send(404, { error: 'not found' });
});

server.listen(Number(process.env.PORT), () => console.log(`api listening on :${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
