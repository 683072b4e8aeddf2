// The app: its API on $PORT, an admin page on $ADMIN_PORT, Prometheus-style metrics on
// $METRICS_PORT. It takes a moment to warm up before /healthz answers 200 (503 until then).
import { createServer } from 'node:http';

let ready = false;
let requests = 0;
let hooks = 0;
setTimeout(() => {
  ready = true;
  console.log('warmed up');
}, 500);

const api = createServer((req, res) => {
  requests++;
  if (req.url === '/healthz') {
    res.writeHead(ready ? 200 : 503);
    return res.end(ready ? 'ok' : 'warming up');
  }
  if (req.method === 'POST' && req.url === '/events') {
    hooks++;
    console.log(`event received (${hooks})`);
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ service: 'app', requests, hooks }));
});
const admin = createServer((_, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<h1>admin</h1><p>${requests} requests, ${hooks} webhook events</p>`);
});
const metrics = createServer((_, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`app_requests_total ${requests}\napp_webhook_events_total ${hooks}\n`);
});

const env = process.env;
api.listen(Number(env.PORT), () => console.log(`api on :${env.PORT}`));
admin.listen(Number(env.ADMIN_PORT), () => console.log(`admin on :${env.ADMIN_PORT}`));
metrics.listen(Number(env.METRICS_PORT), () => console.log(`metrics on :${env.METRICS_PORT}`));
process.on('SIGTERM', () => {
  for (const server of [api, admin, metrics]) server.close();
  process.exit(0);
});
