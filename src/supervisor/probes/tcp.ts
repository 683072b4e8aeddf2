/** TCP readiness: a connection to the port on localhost (IPv4 or IPv6: either one is enough). */
import { connect } from 'node:net';
import { type Attempt, errorReason, failed, PASSED } from './attempt.js';

export async function tcpAttempt(port: number, timeoutMs: number, signal: AbortSignal): Promise<Attempt> {
  const results = await Promise.all(['127.0.0.1', '::1'].map((host) => connectOnce(host, port, timeoutMs, signal)));
  return results.find((result) => result.ok) ?? results[0]!;
}

export function connectOnce(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<Attempt> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(failed('cancelled'));
    const socket = connect({ host, port });
    const done = (result: Attempt) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => done(failed('cancelled'));
    const timer = setTimeout(() => done(failed(`no answer within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(PASSED));
    socket.once('error', (error) => done(failed(errorReason(error))));
  });
}
