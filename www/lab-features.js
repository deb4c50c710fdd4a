// What a view loads only when the user first needs it (the bundle puts each
// in a chunk of its own, www/pkg/chunks/): "Break a rule" with the
// counterexample search, the history view, the share and file buttons'
// work. Their texts are in the *-more catalogues (www/i18n.js), loaded with
// them. The buttons that open them are part of the first paint.
import { loadMore } from './i18n.js';
import { message } from './lab-errors.js';

const FEATURES = {
  rules: () => import('./lab-rules.js'),
  history: () => import('./lab-history.js'),
  share: () => import('./lab-share.js'),
};

// The counterexample search's worker module, beside this one: bundled,
// www/pkg/lab-fuzz-worker.js next to app.min.js (build.sh), not next to
// lab-search.js's chunk in www/pkg/chunks/; unbundled, www/lab-fuzz-worker.js.
export const WORKER_URL = new URL('./lab-fuzz-worker.js', import.meta.url);

/**
 * The module of feature `name` for view `v`, with its texts, loaded once;
 * null if it cannot be loaded, which the status line says (the run goes
 * on). After a failure, `retry` (a user's click) tries again, where the
 * browser does not keep the failed import; the panels' own calls do not, so
 * a lost connection is reported once.
 */
export function loadFeature(v, name, retry) {
  if (v.features[name] === null && !retry) return Promise.resolve(null);
  v.features[name] ||= Promise.all([FEATURES[name](), loadMore(v.lang)]).then(([m, texts]) => {
    if (!texts) throw new Error(v.t('status.textsMissing'));
    if (v.destroyed) return null;
    if (name === 'rules' && !v.rules) v.rules = new m.RuleMenu(v);
    v.featureModules[name] = m;
    if (v.sim) v.refresh();
    return m;
  }).catch((e) => {
    v.features[name] = null;
    if (!v.destroyed) v.status(v.t('status.featureFailed', { error: message(e) }), true);
    return null;
  });
  return v.features[name];
}

/** Sets the rules menu's disclosure open or closed. */
function showRules(v, open) {
  v.r.rulesBody.hidden = !open;
  v.r.rulesToggle.setAttribute('aria-expanded', String(open));
}

export function wireFeatures(v) {
  const r = v.r;
  // The menu opens at once (its intro and buttons are the template's); its
  // rules fill in when lab-rules.js is there, and it closes again if that fails.
  if (r.rulesToggle) {
    v.on(r.rulesToggle, 'click', async () => {
      const open = r.rulesBody.hidden;
      showRules(v, open);
      if (open && !(await v.feature('rules'))) showRules(v, false);
    });
  }
}
