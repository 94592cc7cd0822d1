// Following a job the server runs in a process of its own (an export, the archive)
// until it ends. onChange(job) is called when its state or progress changes;
// poll(url) fetches the job again (it throws when the network fails). Resolves with
// the finished job; throws its error, in the server's words, else `failed`.

const JOB_POLL_MS = 700;
const JOB_POLL_FAILURES = 5; // network failures in a row before giving up

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function followJob(job, onChange, { poll, failed }) {
  let shown = "";
  let failures = 0;
  for (;;) {
    const seen = JSON.stringify([job.state, job.progress]);
    if (seen !== shown) {
      shown = seen;
      onChange(job);
    }
    if (job.state === "done") return job;
    if (job.state === "failed") throw new Error(job.error?.message || failed);
    await pause(JOB_POLL_MS);
    try {
      job = await poll(job.url);
      failures = 0;
    } catch (error) {
      failures += 1;
      if (failures >= JOB_POLL_FAILURES) throw error;
    }
  }
}
