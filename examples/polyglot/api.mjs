// A Node API: GET /api/health and GET /api/time.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/api/health') return res.end('{"ok":true}');
  if (req.url === '/api/time') return res.end(JSON.stringify({ time: new Date().toISOString(), from: 'node' }));
  res.statusCode = 404;
  res.end('{"error":"not found"}');
});
server.listen(Number(process.env.PORT), () => console.log(`api on :${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
