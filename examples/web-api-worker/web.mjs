// The web front: a page, and /api/* forwarded to the API at $API_URL (as a dev server's proxy
// would), so the browser talks to one origin.
import { createServer } from 'node:http';

const api = process.env.API_URL;
const page = `<!doctype html><title>web-api-worker</title>
<h1>web → api → worker</h1><p>Jobs done: <b id="done">…</b></p>
<script>
setInterval(async () => {
  const stats = await (await fetch('/api/stats')).json();
  document.getElementById('done').textContent = stats.done;
}, 1000);
</script>`;

const server = createServer(async (req, res) => {
  if (req.url.startsWith('/api/')) {
    try {
      const upstream = await fetch(`${api}${req.url}`, { method: req.method });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      return res.end(await upstream.text());
    } catch {
      res.writeHead(502);
      return res.end('api unreachable');
    }
  }
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(page);
});

server.listen(Number(process.env.PORT), () =>
  console.log(`web on http://localhost:${process.env.PORT} (api at ${api})`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
