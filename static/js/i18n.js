// Interface messages, translated on the server by Flask-Babel and handed to
// the page as JSON (see mag/web/i18n_client.py).

const messages = JSON.parse(document.getElementById("mag-messages").textContent);

export function has(key) {
  return key in messages;
}

export function t(key, params = {}) {
  const text = messages[key] ?? key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

// Plural forms: key_one / key_other, chosen by the page language's rules.
const plurals = new Intl.PluralRules(document.documentElement.lang || "fr");

export function tn(key, count, params = {}) {
  const form = plurals.select(count) === "one" ? "one" : "other";
  return t(`${key}_${form}`, { count, ...params });
}
