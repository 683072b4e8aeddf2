// A one-shot task (think: migrations): works for a moment, then exits 0.
const steps = ['creating tables', 'seeding products', 'warming caches'];
for (const [index, step] of steps.entries()) {
  setTimeout(() => console.log(`${step}…`), index * 250);
}
setTimeout(() => console.log('setup done'), steps.length * 250);
