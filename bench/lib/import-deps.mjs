// The CLI's two dependencies and nothing else (bench/cli.ts: their import is the floor of a command).
import 'commander';
import 'node-ipc';
