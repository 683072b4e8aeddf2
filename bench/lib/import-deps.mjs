// The CLI's two dependencies as it loads them, and nothing else (bench/cli.ts: their import is the
// floor of a command): commander, and node-ipc's parser over node:net (transport/ipc.ts).
import 'commander';
import 'node-ipc/parsers';
import 'node:net';
