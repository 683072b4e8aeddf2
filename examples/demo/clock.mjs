// A background job that logs a tick every 2 s; it says "ticking" once it is ready.
let ticks = 0;
console.log('ticking');
setInterval(() => console.log(`tick ${++ticks}`), 2000);
process.on('SIGTERM', () => {
  console.log(`stopping after ${ticks} ticks`);
  process.exit(0);
});
