// The worker: enqueues a job every 2 s (a stand-in for traffic) and works the queue, through the
// API it finds at $API_URL.
const api = process.env.API_URL;
const post = async (path) => (await fetch(`${api}${path}`, { method: 'POST' })).json();

const enqueue = () => post('/api/jobs').catch(() => {});
console.log(`worker using ${api}`);
enqueue();
setInterval(enqueue, 2000);
setInterval(async () => {
  try {
    const job = await post('/api/jobs/next');
    if (!job) return;
    const { done } = await post(`/api/jobs/${job.id}/done`);
    console.log(`processed job ${job.id} (${done} done)`);
  } catch (error) {
    console.error(`api unreachable: ${error.cause?.code ?? error.message}`);
  }
}, 500);
process.on('SIGTERM', () => process.exit(0));
