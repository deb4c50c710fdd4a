// The page's languages. Every string a view shows comes from a message
// catalogue (www/i18n/en.js, www/i18n/ko.js): `t(key, args)` looks the key
// up and fills its `{name}` placeholders. Text the engine generates (feed
// lines, stop causes, the event panel) arrives as language-neutral
// `{key, args}` phrases and is formatted the same way.
import en from './i18n/en.js';

/** The catalogues loaded so far; English is always there (the fallback). */
export const CATALOGUES = { en };
// Other languages load when a view needs them: a page in English does not
// transfer the Korean catalogue (the bundle puts it in a chunk of its own).
const LOADERS = { ko: () => import('./i18n/ko.js') };
// The texts of the legend, the keyboard help and the lessons' descriptions,
// and those of what index.html loads only on demand (scenario parse errors,
// the library's descriptions, lessons, Kubernetes and etcdctl, "Break a rule" and the
// counterexample search, the history view, sharing) load when one of them
// is first shown: a page's first paint does not transfer them.
const MORE = { en: () => import('./i18n/en-more.js'), ko: () => import('./i18n/ko-more.js') };
const more = new Set();
/** [code, the language's own name] for the language menu. */
export const LANGUAGES = [['en', 'English'], ['ko', '한국어']];
const STORE = 'raftlab-lang';

/** A supported language code from `text` ('ko', 'ko-KR', 'EN'), or null. */
export function normalizeLang(text) {
  if (text == null) return null;
  const base = String(text).trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.some(([code]) => code === base) ? base : null;
}

export const isLoaded = (lang) => Object.hasOwn(CATALOGUES, lang);

/**
 * Loads the *-more texts of `lang` (and English, the fallback), once;
 * resolves to whether they are there (a failed load is tried again next time).
 */
export async function loadMore(lang) {
  let ok = true;
  for (const l of new Set(['en', lang])) {
    if (more.has(l) || !MORE[l] || !CATALOGUES[l]) continue;
    try {
      Object.assign(CATALOGUES[l], (await MORE[l]()).default);
      more.add(l);
    } catch (e) {
      ok = false;
      console.warn(`raftlab: could not load more of the ${l} catalogue: ${e.message || e}`);
    }
  }
  return ok;
}

/** Whether the *-more texts of `lang` are loaded. */
export const hasMore = (lang) => more.has(lang);

// A phrase whose key is in a *-more catalogue not loaded yet (a parse error
// shown before the texts arrive) shows the English sentence it carries.
const known = (lang, key) => Object.hasOwn(CATALOGUES[lang] || {}, key) || Object.hasOwn(en, key);
const phraseText = (lang, p) => (p.text != null && !known(lang, p.key) ? p.text : translate(lang, p.key, p.args));

/** Loads the catalogue of `lang` (once); resolves to `lang`, or 'en' if it cannot be loaded. */
export async function loadLanguage(lang) {
  if (CATALOGUES[lang]) return lang;
  try {
    CATALOGUES[lang] = (await LOADERS[lang]()).default;
    return lang;
  } catch (e) {
    console.warn(`raftlab: could not load the ${lang} catalogue: ${e.message || e}`);
    return 'en';
  }
}

/** The first of the browser's preferred languages that the page speaks. */
export function browserLanguage() {
  const prefs = (typeof navigator !== 'undefined' && (navigator.languages?.length ? navigator.languages : [navigator.language])) || [];
  for (const l of prefs) {
    const lang = normalizeLang(l);
    if (lang) return lang;
  }
  return 'en';
}

export function rememberedLanguage() {
  try { return normalizeLang(localStorage.getItem(STORE)); } catch { return null; }
}

export function rememberLanguage(lang) {
  try { localStorage.setItem(STORE, lang); } catch { /* private mode */ }
}

/** An explicit choice (a link, an attribute) first, then the remembered one, then the browser's. */
export function pickLanguage(explicit) {
  return normalizeLang(explicit) || rememberedLanguage() || browserLanguage();
}

const reported = new Set();

/**
 * The text of `key` in `lang` with `args` filled in. `{name}` is an
 * argument; `{name:one|other}` picks a form by whether the argument is 1.
 * An argument may itself be a phrase `{key, args}`. A missing key is
 * reported once on the console (the end-to-end tests fail on that) and
 * falls back to English.
 */
export function translate(lang, key, args) {
  let text = CATALOGUES[lang]?.[key];
  // Before loadMore, a key of the *-more catalogues is not an error yet.
  if (text === undefined && CATALOGUES[lang] && more.has(lang)) {
    if (!reported.has(`${lang}:${key}`)) {
      reported.add(`${lang}:${key}`);
      console.error(`raftlab: no text for '${key}' in the ${lang} catalogue`);
    }
  }
  text ??= en[key] ?? key;
  if (!args) return text;
  const get = (name) => (args instanceof Map ? args.get(name) : args[name]);
  return text
    .replace(/\{(\w+):([^|{}]*)\|((?:[^{}]|\{\w+\})*)\}/g, (whole, name, one, other) => (get(name) === 1 ? one : other))
    .replace(/\{(\w+)\}/g, (whole, name) => (get(name) === undefined ? whole : formatArg(lang, get(name))));
}

function formatArg(lang, v) {
  if (v === null) return '–';
  if (Array.isArray(v)) return v.map((x) => formatArg(lang, x)).join(', ');
  if (typeof v === 'object') return v.key ? phraseText(lang, v) : String(v);
  return String(v);
}

/** A phrase: language-neutral text, formatted later in the view's language. */
export const phrase = (key, args) => ({ key, args });

/** An Error that carries a phrase; its message is the English text. */
export class PhraseError extends Error {
  constructor(key, args) {
    super(translate('en', key, args));
    this.key = key;
    this.args = args;
  }
}

/** `(key, args) => text` for one language; `.lang` is the language and `.text(x)` formats a string, phrase or Error. */
export function translator(lang) {
  const t = (key, args) => translate(lang, key, args);
  t.lang = lang;
  t.has = (key) => Object.hasOwn(CATALOGUES[lang] || en, key);
  t.text = (x) => {
    if (x == null) return '';
    if (typeof x === 'string') return x;
    if (x.key) return phraseText(lang, x);
    return x.message || String(x);
  };
  return t;
}

/**
 * Sets the text of every element under `root` marked with a key:
 * `data-t` (text), `data-t-title`, `data-t-aria-label`, `data-t-placeholder`;
 * and `data-tm` (text of the *-more catalogues) once they are loaded.
 */
export function applyTranslations(root, t) {
  for (const e of root.querySelectorAll('[data-t]')) e.textContent = t(e.dataset.t);
  if (more.has(t.lang)) for (const e of root.querySelectorAll('[data-tm]')) e.textContent = t(e.dataset.tm);
  for (const attr of ['title', 'aria-label', 'placeholder']) {
    for (const e of root.querySelectorAll(`[data-t-${attr}]`)) e.setAttribute(attr, t(e.getAttribute(`data-t-${attr}`)));
  }
}

/** Takes `lang` out of a URL hash: {lang, hash} (the hash without it), so the link reader never sees it. */
export function takeLang(hash) {
  const parts = String(hash || '').replace(/^#/, '').split('&');
  let lang = null;
  const rest = parts.filter((p) => {
    if (!/^lang(=|$)/.test(p)) return true;
    lang = p.slice(5) || null;
    return false;
  });
  return { lang, hash: rest.filter(Boolean).join('&') };
}
