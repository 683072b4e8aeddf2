// The demo's API: GET /health, GET /api/products, with a request log line per call.
import { createServer } from 'node:http';

const products = [
  { id: 1, name: 'Ferry ticket', price: 2 },
  { id: 2, name: 'Lantern', price: 12 },
  { id: 3, name: 'Map of the river', price: 5 },
];
const server = createServer((req, res) => {
  console.log(`${req.method} ${req.url}`);
  res.setHeader('content-type', 'application/json');
  if (req.url === '/health') return res.end('{"ok":true}');
  if (req.url === '/api/products') return res.end(JSON.stringify(products));
  res.statusCode = 404;
  res.end('{"error":"not found"}');
});
server.listen(Number(process.env.PORT), () => console.log(`api listening on :${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
