/**
 * HTTP readiness: a GET of the path on localhost answers 2xx or 3xx (redirects are not followed:
 * a redirect means the server is up). IPv4 first, IPv6 when IPv4 is refused. The Host header is
 * `localhost:<port>`, which dev servers with host checks (Vite, webpack) always accept.
 * `node:http` loads with the first check: it adds 4–13 MB to a supervisor's resident memory, which
 * a stack without HTTP checks need not carry (docs/performance.md, "Scale and supervisor memory").
 */
import { type Attempt, errorReason, failed, PASSED } from './attempt.js';

export async function httpAttempt(
  port: number,
  path: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Attempt> {
  const first = await getOnce('127.0.0.1', port, path, timeoutMs, signal);
  if (first.ok || first.reason !== 'connection refused' || signal.aborted) return first;
  const second = await getOnce('::1', port, path, timeoutMs, signal);
  return second.ok || second.reason !== 'connection refused' ? second : first;
}

async function getOnce(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Attempt> {
  const { request } = await import('node:http');
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request({
      host,
      port,
      path,
      method: 'GET',
      agent: false,
      headers: { host: `localhost:${port}`, 'user-agent': 'styxy-ready-check' },
      signal,
    });
    const timer = setTimeout(() => settle(failed(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.once('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      settle(status >= 200 && status < 400 ? PASSED : failed(`answered ${status}`));
    });
    req.once('error', (error) => settle(failed(signal.aborted ? 'cancelled' : errorReason(error))));
    req.end();
  });
}
