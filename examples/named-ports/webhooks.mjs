// The webhook receiver on its fixed port: accepts POST /hooks and forwards each event to the
// app at $APP_URL.
import { createServer } from 'node:http';

const server = createServer(async (req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  if (req.method === 'POST' && req.url === '/hooks') {
    try {
      await fetch(`${process.env.APP_URL}/events`, { method: 'POST' });
      res.writeHead(202);
      return res.end('accepted');
    } catch {
      res.writeHead(502);
      return res.end('app unreachable');
    }
  }
  res.writeHead(404);
  res.end();
});
server.listen(Number(process.env.PORT), () => console.log(`webhooks on :${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
