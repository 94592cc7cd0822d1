// The export buttons. Each starts a job on the server (the file is rendered in
// a process of its own, so the live session never waits for it), says how far
// it got, then offers the file as a link. What it says is in a live region
// that stays on screen, so screen readers announce each change.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { followJob, postJSON, reportUrl } from "./report.js";

function progressText(job, format) {
  if (job.state === "queued") return t("console_export_queued", { format });
  const { done, total } = job.progress;
  if (!total) return t("console_export_starting", { format });
  return t("console_export_progress", { format, done, total });
}

function exportItem(ctx, button) {
  const status = button.parentElement.querySelector("[role=status]");
  const name = button.dataset.export;
  const format = button.dataset.label;
  let running = false;

  const tell = (...children) => status.replaceChildren(...children);

  button.addEventListener("click", async () => {
    if (running) return; // the server would give the same job anyway
    running = true;
    tell(t("console_export_starting", { format }));
    try {
      const { job } = await postJSON(reportUrl(ctx.session, `export/${encodeURIComponent(name)}`));
      const done = await followJob(job, (current) => tell(progressText(current, format)));
      tell(
        t("console_export_ready", { format }),
        " ",
        h("a", { href: done.file_url, download: done.file_name, text: t("console_export_download", { format }) }),
      );
    } catch (error) {
      tell(h("span", { class: "report-message is-error", text: error.message }));
    }
    running = false;
  });
}

export function exportsPart(ctx) {
  for (const button of document.querySelectorAll("#report-exports [data-export]")) exportItem(ctx, button);
  return { render() {} };
}
