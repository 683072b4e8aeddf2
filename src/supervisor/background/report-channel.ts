/**
 * The child's end of the report pipe (see launch.ts): one JSON report per line, written
 * asynchronously. It never blocks the stack and never fails it: progress lines a stalled parent
 * does not read are left out past a small backlog, and a parent that went away (EPIPE) only
 * ends the reports.
 */
import { Socket } from 'node:net';
import type { BackgroundReport } from './launch.js';

/** Progress waiting for a parent that does not read beyond this is left out. */
const MAX_BACKLOG_BYTES = 64 * 1024;

export interface ReportChannel {
  send(report: BackgroundReport): void;
  /** Sends what waits and closes the pipe (resolves within `timeoutMs` whatever happens). */
  end(timeoutMs?: number): Promise<void>;
}

export function openReportChannel(fd: number): ReportChannel {
  let socket: Socket | null = null;
  try {
    socket = new Socket({ fd, readable: false, writable: true });
    socket.on('error', () => {
      socket?.destroy();
      socket = null;
    });
  } catch {
    // Started without a report pipe (by hand): nobody to tell.
    socket = null;
  }
  return {
    send(report) {
      const out = socket;
      if (!out || out.destroyed || out.writableEnded) return;
      if (report.type === 'progress' && out.writableLength > MAX_BACKLOG_BYTES) return;
      out.write(`${JSON.stringify(report)}\n`);
    },
    end(timeoutMs = 2000) {
      const out = socket;
      socket = null;
      if (!out || out.destroyed) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          out.destroy();
          resolve();
        }, timeoutMs);
        timer.unref();
        out.end(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
