// A programme's board, live: when someone of the team changes it, the server says
// "board_changed" on /programme; the page fetches the board's section again and puts it
// in place, keeping the focus and the open panels. While the person is in the middle of a
// form of the board, nothing is replaced: a button offers the new board instead.
// The page works without this script (its forms post and come back).

import { io } from "../vendor/socket.io-client-4.8.1/socket.io.esm.min.js";

const board = document.getElementById("board");
const status = document.getElementById("board-status");
const refresh = document.getElementById("board-refresh");
let fetching = null;
let again = false;
let lastFocused = ""; // the board's control the person was last in
board.addEventListener("focusin", (event) => {
  lastFocused = event.target.id;
});

// A field whose value is not the one the page came with: the person is typing there.
function changed(field) {
  if (field.type === "hidden" || field.type === "submit") return false;
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.tagName === "SELECT") {
    const options = [...field.options];
    const initial = Math.max(0, options.findIndex((option) => option.defaultSelected));
    return field.selectedIndex !== initial;
  }
  return field.value !== field.defaultValue;
}

function editing() {
  const fields = board.querySelectorAll("input, textarea, select");
  return [...fields].some(changed) || board.querySelector(".errors") !== null;
}

function say(message) {
  status.textContent = "";
  // A change of text is announced: cleared first, the same words are said again.
  setTimeout(() => {
    status.textContent = message;
  }, 100);
}

// Put `fresh` (a new #board) in place; with `keepTyped`, what was typed goes along.
function place(fresh, keepTyped) {
  const active = board.contains(document.activeElement) ? document.activeElement.id : "";
  const open = [...board.querySelectorAll("details[open]")].map((details) => details.id);
  const typed = keepTyped
    ? [...board.querySelectorAll("input, textarea, select")].filter(changed)
    : [];
  const values = typed.map((field) => [field.id, field.type, field.checked, field.value]);
  board.replaceChildren(...fresh.childNodes);
  board.dataset.version = fresh.dataset.version;
  for (const id of open) document.getElementById(id)?.setAttribute("open", "");
  for (const [id, type, checked, value] of values) {
    const field = document.getElementById(id);
    if (!field) continue;
    if (type === "checkbox" || type === "radio") field.checked = checked;
    else field.value = value;
  }
  if (active) (document.getElementById(active) ?? document.getElementById("themes-heading")).focus();
  refresh.hidden = true;
  say(status.dataset.updated);
}

async function load() {
  const answer = await fetch(board.dataset.fragment, { headers: { Accept: "text/html" } });
  if (!answer.ok) return null;
  const template = document.createElement("template");
  template.innerHTML = await answer.text();
  return template.content.getElementById("board");
}

// Fetch the board; put it in place unless it is the same, or the person is typing.
async function update() {
  if (fetching) {
    again = true;
    return;
  }
  fetching = load();
  try {
    const fresh = await fetching;
    if (!fresh || fresh.dataset.version === board.dataset.version) return;
    if (!editing()) place(fresh, false);
    else if (refresh.hidden) {
      refresh.hidden = false;
      say(status.dataset.changed);
    }
  } catch {
    // Offline for a moment: the next change or reconnection fetches it again.
  } finally {
    fetching = null;
    if (again) {
      again = false;
      update();
    }
  }
}

refresh.addEventListener("click", async () => {
  const fresh = await load().catch(() => null);
  if (fresh) place(fresh, true);
  (document.getElementById(lastFocused) ?? document.getElementById("themes-heading")).focus();
});

const socket = io("/programme", {
  auth: { programme_id: board.dataset.programme },
  reconnectionDelayMax: 5000,
  transports: ["websocket", "polling"],
  tryAllTransports: true,
});
// On every (re)connection: what changed while it was away.
socket.on("connect", update);
socket.on("board_changed", update);
socket.on("connect_error", (error) => {
  if (!socket.active) status.textContent = error.message;
});
