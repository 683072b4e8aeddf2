#!/usr/bin/env node
// A service that writes log lines as fast as its output takes them, one write per line (as a
// logger does), for --seconds S, and waits for 'drain' whenever write() says the stream is full
// (Node queues writes to a pipe in memory otherwise, and the reader's speed would not show).
// It writes "started" to --out FILE when it begins, then {lines, seconds} as JSON when the time
// is up; then it stays up, idle, until stopped, so whatever runs it can be measured meanwhile.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, out: { type: 'string' } } });
const out = values.out;
if (!out) throw new Error('flood: --out FILE is required');
const payload = 'x'.repeat(60);
const { stdout } = process;

writeFileSync(out, 'started');
const start = performance.now();
const end = start + Number(values.seconds) * 1000;
let lines = 0;

function pump() {
  for (;;) {
    let room = true;
    for (let i = 0; i < 100 && room; i++) room = stdout.write(`line ${++lines} ${payload}\n`);
    if (performance.now() >= end) return finish();
    if (!room) return void stdout.once('drain', pump);
  }
}

function finish() {
  writeFileSync(out, JSON.stringify({ lines, seconds: (performance.now() - start) / 1000 }));
  setInterval(() => {}, 1 << 30);
}

pump();
