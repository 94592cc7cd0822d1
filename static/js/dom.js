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

export function replaceChildren(el, children) {
  el.replaceChildren(...children);
}
