/**
 * The baseline of bench/leases.ts: a plain node-ipc echo over the same kind of socket, with the
 * same node-ipc settings (src/transport/ipc.ts: guarded parser, frame caps), in its own process
 * like the coordinator. Usage: node --experimental-strip-types echo-server.ts SOCKET_PATH
 */
import type { Socket } from 'node:net';
import { listenIpc } from '../../dist/transport/ipc.js';

const socketPath = process.argv[2]!;
const server = await listenIpc(socketPath, {
  onConnect: () => {},
  onMessage: (_type: string, data: unknown, socket: Socket) => {
    server.send(socket, 'echo', data);
  },
  onClose: () => {},
  onPeerError: () => {},
  onBug: () => {},
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
process.stdout.write('ready\n');
