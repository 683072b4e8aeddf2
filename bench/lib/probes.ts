/**
 * The readiness checks of the baseline in bench/stack-start.ts, the same as Styxy's own probes
 * (src/supervisor/probes/): a TCP connect to the port, or an HTTP GET on localhost answering
 * 2xx/3xx. Each resolves true or false, never throws.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export function tcpOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function httpOk(port: number, path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs });
    req.once('response', (response) => {
      response.resume();
      resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 400);
      req.destroy();
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}
