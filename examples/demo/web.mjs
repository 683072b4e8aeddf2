// The demo's web front: renders the API's products into a page. It finds the API at $API_URL,
// which Styxy filled in from `${api.PORT}`.
import { createServer } from 'node:http';

const api = process.env.API_URL;
const server = createServer(async (req, res) => {
  if (req.url !== '/') {
    res.writeHead(404);
    return res.end();
  }
  try {
    const products = await (await fetch(`${api}/api/products`)).json();
    const items = products.map((p) => `<li>${p.name}: ${p.price} obols</li>`).join('');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>Styxy demo</title><h1>Styx river shop</h1><ul>${items}</ul>`);
  } catch {
    res.writeHead(502);
    res.end('api unreachable');
  }
});
server.listen(Number(process.env.PORT), () => console.log(`open http://localhost:${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
