// The programme page's exports. Each button starts a job on the server (the file is
// rendered in a process of its own, so nothing else waits for it), says how far it
// got, then offers the file as a link. What it says is in a live region that stays on
// screen, so screen readers announce each change. The texts come with the page, in
// its language (data-* of #programme-exports); without this script, each button's
// form opens a link that waits for the file.

import { h } from "./dom.js";
import { followJob } from "./jobs.js";

const list = document.getElementById("programme-exports");
const texts = list ? list.dataset : {};

function say(key, params = {}) {
  return (texts[key] ?? "").replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

// A refusal comes back as the server's sentence, thrown as an Error.
async function call(url, method) {
  let response;
  try {
    response = await fetch(url, { method, credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    throw new Error(say("offline"));
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    // not JSON: a page (404, 500); say it in our words
  }
  if (!response.ok) throw new Error(answer?.error?.message || say("refused", { status: response.status }));
  return answer.job;
}

function progressText(job, format) {
  if (job.state === "queued") return say("queued", { format });
  const { done, total } = job.progress;
  if (!total) return say("starting", { format });
  return say("progress", { format, done, total });
}

function exportItem(form) {
  const status = form.parentElement.querySelector("[role=status]");
  const format = form.dataset.label;
  let running = false;
  const tell = (...children) => status.replaceChildren(...children);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (running) return; // the server would give the same job anyway
    running = true;
    tell(say("starting", { format }));
    try {
      const job = await call(form.dataset.start, "POST");
      const done = await followJob(job, (current) => tell(progressText(current, format)), {
        poll: (url) => call(url, "GET"),
        failed: say("failed"),
      });
      tell(
        say("ready", { format }),
        " ",
        h("a", { href: done.file_url, download: done.file_name, text: say("download", { file: done.file_name }) }),
      );
    } catch (error) {
      tell(h("span", { class: "is-error", text: error.message }));
    }
    running = false;
  });
}

if (list) for (const form of list.querySelectorAll("form[data-start]")) exportItem(form);
