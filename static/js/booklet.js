// The booklet's page (templates/programme_booklet.html). Without this script every
// form works: an export link waits for its file. With it, an export starts a job on
// the server, says how far it got in a live region beside its button, then offers
// the file; and leaving the page with unsaved text asks first. The page's messages
// come translated in data- attributes.

const POLL_MS = 700;
const POLL_FAILURES = 5;

const exportsList = document.querySelector("#booklet-exports");
const say = (name, values = {}) =>
  (exportsList.dataset[name] ?? "").replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));

async function json(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, ...options });
  } catch {
    throw new Error(say("offline"));
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: an error page
  }
  if (!response.ok) throw new Error(body?.error?.message || say("failed"));
  return body;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function progressText(job, format) {
  if (job.state === "queued") return say("queued", { format });
  const { done, total } = job.progress;
  if (!total) return say("starting", { format });
  return say("progress", { format, done, total });
}

async function follow(job, tell) {
  let failures = 0;
  for (;;) {
    if (job.state === "done") return job;
    if (job.state === "failed") throw new Error(job.error?.message || say("failed"));
    tell(progressText(job, tell.format));
    await pause(POLL_MS);
    try {
      job = (await json(job.url)).job;
      failures = 0;
    } catch (error) {
      failures += 1;
      if (failures >= POLL_FAILURES) throw error;
    }
  }
}

function exportForm(form) {
  const status = form.querySelector("[role=status]");
  const button = form.querySelector("button");
  const format = form.dataset.label;
  const tell = (...children) => status.replaceChildren(...children);
  tell.format = format;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    tell(say("starting", { format }));
    try {
      const { job } = await json(form.dataset.start, { method: "POST" });
      const done = await follow(job, tell);
      const link = document.createElement("a");
      link.href = done.file_url;
      link.download = done.file_name;
      link.textContent = say("download", { format });
      tell(say("ready", { format }), " ", link);
    } catch (error) {
      const message = document.createElement("span");
      message.className = "report-message is-error";
      message.textContent = error.message;
      tell(message);
    }
    button.disabled = false;
  });
}

for (const form of exportsList.querySelectorAll("form[data-start]")) exportForm(form);

// Unsaved text: the browser asks before the page is left, except to save it.
const editor = document.querySelector("#booklet-text");
const saved = editor.value;
let saving = false;
document.querySelector("#booklet-form").addEventListener("submit", () => {
  saving = true;
});
window.addEventListener("beforeunload", (event) => {
  if (!saving && editor.value !== saved) event.preventDefault();
});
