// "Break a rule" and "Find a counterexample" (issue 12): the lesions of a
// view. A checkbox per safety rule switches it off or on again on every
// server (RaftLab.setRule, a user action: the recorded scenario gets its
// `rule NAME off` line, so links and "Download run" carry it); the clock bar
// names the rules off. The search fuzzes the current cluster size with
// those rules off in Web Workers (lab-search.js), shrinks the first
// violation and opens it in the debugger, paused at the violation. This
// module loads when the menu is first opened or a rule is off (lab-view.js,
// `feature('rules')`).
import { el, rulesOff } from './lab-dom.js';
import { CounterexampleSearch, SEARCH_START, SEARCH_SEEDS, workerCount } from './lab-search.js';

export class RuleMenu {
  constructor(v) {
    this.v = v;
    this.key = null; // the rules off as last shown
    this.built = false;
    this.descriptions = new Map(); // the engine's sentence of each rule
    this.search = null;
    const r = v.r;
    if (r.cxFind) v.on(r.cxFind, 'click', () => this.find());
    if (r.cxCancel) v.on(r.cxCancel, 'click', () => this.cancel(true));
    // A view taken down takes its workers with it.
    v.ac.signal.addEventListener('abort', () => this.cancel(false));
  }

  /** The checkboxes, built from the engine's list of rules the first time there is one. */
  build() {
    const v = this.v;
    const list = v.r.rulesList;
    if (!list || typeof v.sim?.rules !== 'function') return;
    const rules = v.call((s) => s.rules());
    if (!rules) return;
    this.descriptions = new Map(rules.map((rule) => [rule.name, rule.description]));
    const prefix = list.id.slice(0, -'rulesList'.length);
    list.replaceChildren(...rules.map(({ name }) => {
      const box = el('input', { type: 'checkbox', 'data-rule': name, 'aria-describedby': `${prefix}rule-${name}` });
      v.on(box, 'change', () => this.set(name, !box.checked));
      return el('li', null,
        el('label', null, box, ' ', el('span', { class: 'mono' }, name)),
        el('span', { id: `${prefix}rule-${name}`, class: 'muted small', 'data-rule-text': name }));
    }));
    this.built = true;
    this.translate();
  }

  /** Texts in the view's language (after a change of language too). */
  translate() {
    const v = this.v;
    if (!v.r.rulesList) return;
    // A rule the catalogues do not know yet keeps the engine's English sentence.
    for (const s of v.r.rulesList.querySelectorAll('[data-rule-text]')) {
      const key = `rule.${s.dataset.ruleText}`;
      s.textContent = v.t.has(key) ? v.t(key) : this.descriptions.get(s.dataset.ruleText) || '';
    }
    this.key = null;
    if (v.sim) this.refresh();
  }

  set(name, on) {
    const v = this.v;
    v.act((s) => s.setRule(name, on));
    this.key = null; // the boxes show what the engine holds, refused or not
    v.refresh();
  }

  /** With each panel refresh: the checkboxes and the clock bar follow the engine (time travel, a link, a scenario). */
  refresh() {
    const v = this.v;
    const r = v.r;
    if (!this.built) this.build();
    const off = rulesOff(v);
    const key = off.join(',');
    if (key === this.key) return;
    this.key = key;
    if (r.rulesList) for (const box of r.rulesList.querySelectorAll('[data-rule]')) box.checked = off.includes(box.dataset.rule);
    if (r.rulesOff) {
      r.rulesOff.replaceChildren(...(off.length ? [v.t('rules.off', { count: off.length }), ' ', el('span', { class: 'mono' }, off.join(', '))] : []));
      r.rulesOff.hidden = !off.length;
    }
    if (r.cxFind) r.cxFind.disabled = !!this.search || !off.length;
  }

  // ---------- the counterexample search ----------

  say(text) { if (this.v.r.cxStatus) this.v.r.cxStatus.textContent = text; }

  /** Starts a search over `seeds` seeds from 1 (the CLI's 2000 by default). */
  find({ seeds = SEARCH_SEEDS } = {}) {
    const v = this.v;
    const r = v.r;
    const rules = rulesOff(v);
    if (!rules.length) { this.say(v.t('cx.needRule')); return; }
    if (typeof Worker !== 'function') { this.say(v.t('cx.noWorkers')); return; }
    const nodes = v.snap?.config?.nodes;
    if (!nodes) return;
    this.cancel(false);
    const workers = workerCount();
    const command = `raftlab search ${rules.map((n) => `--rule ${n}=off`).join(' ')} --nodes ${nodes}`;
    const progress = (tried, total) => {
      r.cxProgress.max = total;
      r.cxProgress.value = tried;
      // Not in the live region: a screen reader would read every seed.
      r.cxCount.textContent = v.t('cx.progress', { tried, total, workers });
    };
    const end = () => {
      this.search = null;
      r.cxCancel.hidden = r.cxProgress.hidden = r.cxCount.hidden = true;
      r.cxFind.disabled = !rulesOff(v).length;
    };
    try {
      this.search = new CounterexampleSearch({
        nodes, rules, workers, seeds, url: v.workerUrl,
        on: {
          progress,
          shrinking: (seed, tried) => this.say(v.t('cx.shrinking', { seed, tried })),
          found: (found) => { end(); this.open(found, command); },
          none: (tried, ms) => {
            end();
            this.say(v.t('cx.none', { from: SEARCH_START, to: SEARCH_START + seeds - 1, nodes, tried, seconds: (ms / 1000).toFixed(1), command }));
          },
          failed: (error) => { end(); this.say(v.t('cx.failed', { error })); },
        },
      });
    } catch (e) {
      // A browser that refuses module workers: say so, the run goes on.
      this.search = null;
      this.say(v.t('cx.failed', { error: e && e.message ? e.message : String(e) }));
      return;
    }
    r.cxFind.disabled = true;
    r.cxCancel.hidden = r.cxProgress.hidden = r.cxCount.hidden = false;
    this.say('');
    progress(0, seeds);
  }

  /** Stops a search (its workers too); `say` tells the user. */
  cancel(say) {
    const s = this.search;
    if (!s) return;
    s.cancel();
    this.search = null;
    const r = this.v.r;
    for (const name of ['cxCancel', 'cxProgress', 'cxCount']) if (r[name]) r[name].hidden = true;
    if (r.cxFind) r.cxFind.disabled = !rulesOff(this.v).length;
    if (say) this.say(this.v.t('cx.cancelled', { tried: s.tried }));
  }

  /** Opens a shrunk counterexample in the debugger, paused at its violation. */
  open(found, command) {
    const v = this.v;
    const text = found.scenario;
    // The invariant as the catalogue names it (`inv.electionSafety`), else as the engine does.
    const key = `inv.${found.invariantWord.replace(/-(\w)/g, (_, c) => c.toUpperCase())}`;
    this.say(v.t('cx.found', {
      seed: found.seed, invariant: v.t.has(key) ? v.t(key) : found.invariant, tried: found.tried,
      before: found.commandsBefore, after: found.commandsAfter, command,
    }));
    if (v.r.scenario) v.r.scenario.value = text;
    if (!v.loadScenario(text)) return; // a parse error shows under the box; the run goes on
    v.debug.runToNext('violation');
    if (v.playing || (v.r.stop && v.r.stop.hidden)) v.status(v.t('cx.noStop'), true);
  }
}
