// Interface messages, translated on the server by Flask-Babel (mag/web/i18n_client.py)
// and sent once per live page and language as a cached file,
// /messages/<page>/<locale>/<hash>.js, holding what that page's scripts show, which the
// page runs before its modules (a deferred classic script placed before them:
// mag/web/assets.py). So `t()` answers at once, from the first line of any module.

const messages = globalThis.MAG_MESSAGES;
if (!messages) throw new Error("The page's messages did not load before its scripts.");

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
