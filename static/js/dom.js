// Tiny DOM helpers. Text always goes through textContent: nothing a
// participant typed is ever parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function $(selector) {
  return document.querySelector(selector);
}

export function show(el, visible) {
  el.hidden = !visible;
}

// Replace a list's content without losing keyboard focus: the element that had
// focus is found again in the new content by its data-focus-key.
export function replaceKeepingFocus(el, children) {
  const active = document.activeElement;
  const key = el.contains(active) ? active.dataset.focusKey : undefined;
  el.replaceChildren(...children);
  if (key) el.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

// The headings of HTML made elsewhere (a rendered synthesis) placed under the page's
// own: one level down, none above `top`, so the page keeps its one <h1>.
export function demoteHeadings(root, top) {
  for (const heading of root.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(heading.tagName[1]);
    const demoted = document.createElement(`h${Math.min(6, Math.max(top, level + 1))}`);
    for (const attr of heading.attributes) demoted.setAttribute(attr.name, attr.value);
    demoted.append(...heading.childNodes);
    heading.replaceWith(demoted);
  }
}
