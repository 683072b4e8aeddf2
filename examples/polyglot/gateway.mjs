// One origin for the browser: /api/* goes to the Node API, everything else to Python's static
// server. Both addresses come from Styxy (`${api.PORT}`, `${static.PORT}`).
import { createServer, request } from 'node:http';

const routes = { api: new URL(process.env.API_URL), static: new URL(process.env.STATIC_URL) };

const server = createServer((req, res) => {
  const target = req.url.startsWith('/api/') ? routes.api : routes.static;
  const upstream = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.writeHead(502);
    res.end(`${target.host} unreachable`);
  });
  req.pipe(upstream);
});
server.listen(Number(process.env.PORT), () => console.log(`gateway on http://localhost:${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
