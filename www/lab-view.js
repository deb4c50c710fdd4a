// RaftLabView: one complete simulator (canvases, controls, panels) mounted
// into a root element. Every instance has its own RaftLab object, its own
// state, language and DOM, found only under its root, so several can share
// a page. The wasm module is instantiated once per page, and one
// requestAnimationFrame loop drives every view.
import { RaftLab } from './pkg/raftlab.js';
import { ready, isPanic, message, described, isEngineError, startLoop, stopLoop } from './lab-runtime.js';
import { template, DEFAULT_SCENARIO } from './lab-template.js';
import { parseControls, clusterOptions, currentLink } from './lab-options.js';
import { refreshPanels, resetFeed } from './lab-panels.js';
import { wireInput } from './lab-input.js';
import { onKey } from './lab-keys.js';
import { Debugger } from './lab-debug.js';
import { resolveSeed } from './lab-seed.js';
import { WORKER_URL, loadFeature, wireFeatures } from './lab-features.js';
import { Learn } from './lab-learn.js';
import { wireLibrary } from './lab-library.js';
import { wireControls } from './lab-controls.js';
import { LANGUAGES, applyTranslations, hasMore, isLoaded, loadLanguage, loadMore, normalizeLang, pickLanguage, rememberLanguage, translator } from './i18n.js';

const PANEL_INTERVAL_MS = 100; // DOM panels refresh at most ~10 times a second
const MAX_FRAME_MS = 100; // a long pause (tab hidden) never becomes a huge jump

export { ready, isPanic, message, described, isEngineError };
const PRESENT_SCALE = 1.6; // presentation mode: log text 11 px -> 18 px, nodes and messages 1.6x

let nextPrefix = 1;

const stored = (key) => { try { return localStorage.getItem(key); } catch { return null; } };
const store = (key, value) => { try { localStorage.setItem(key, value); } catch { /* private mode */ } };

export class RaftLabView {
  /**
   * options: controls ('all', 'none', a list), paused, speed (fraction of
   * real time), nodes, seed, electionMs, heartbeatMs, latencyMs,
   * lossPercent, scenario (text), at (event to start at), height (px of the
   * cluster canvas), theme ('light'|'dark'; default: the system's), lang
   * ('en'|'ko'; default: the remembered choice, else the browser's; its
   * catalogue must be loaded: `loadLanguage`), present
   * (presentation mode), title, keyboard ('document' or, by default, only
   * while focus is inside), idPrefix, errors (option errors to show: strings
   * or phrases), fallback (the options of the default run when the scenario
   * has an error), errorIntro/errorOutro (catalogue keys around those
   * errors), linkBase (the page a copied link opens), rememberTheme (also
   * remembers the language and presentation mode), library (the scenario
   * picker), tour (the first-visit tour), fill (the view is the whole
   * window: as tall as it), onSim(sim), onTheme(dark),
   * onLink(hash), onLang(lang), makeSim (a function giving the first
   * simulation and Reset's, in place of scenario and cluster options: a
   * lesson's), timeTravel (false: no step back, seek or timeline).
   */
  constructor(root, options = {}) {
    this.root = root;
    this.o = options;
    this.show = options.controls instanceof Set ? options.controls : parseControls(options.controls);
    this.sim = null;
    this.playing = !options.paused;
    this.speedExp = options.speed ? -Math.log10(options.speed) : 1.3; // speed = 10^-speedExp
    this.selectedNode = null;
    this.selectedMessage = null;
    this.selectedLink = null; // [a, b], a < b: a link chosen from the keyboard
    this.hoverMessage = null;
    this.highlight = null; // the nodes a breakpoint stop names, ringed on the canvas
    this.snap = null;
    this.feedCursor = 0;
    this.fatalState = false;
    this.lastFrame = 0;
    this.lastPanels = -Infinity;
    this.panelKeys = {};
    this.nodeCount = 0;
    this.dark = false;
    this.reducedMotion = false;
    this.coarsePointer = false;
    this.present = !!options.present || (options.rememberTheme && stored('raftlab-present') === '1');
    this.visible = true;
    this.canvases = [];
    this.frameTimes = null; // arrays while a benchmark measures frames and panel refreshes
    this.panelTimes = null;
    this.firstFrameMs = null;
    this.drag = null; // a node being dragged: {id, x0, y0, moved, pointer}
    this.suppressClick = false; // the click that ends a drag is not a selection
    this.tapped = false; // a finger's tap on a node was handled: its click, if any, is not
    this.groupKey = false; // 'g' was pressed: the next digit picks a group
    this.statusTimer = 0;
    this.observers = [];
    this.hooks = []; // called after every refresh of the panels (a lesson's panel)
    this.ac = new AbortController();
    this.lang = pickLanguage(options.lang);
    if (!isLoaded(this.lang)) this.lang = 'en';
    this.t = translator(this.lang);
    // What Reset starts again: the starting scenario, or a cluster.
    this.origin = options.makeSim ? { make: options.makeSim }
      : options.scenario != null ? { scenario: options.scenario } : clusterOptions(options);

    const p = options.idPrefix ?? `rl${nextPrefix++}-`;
    root.classList.add('rl');
    root.innerHTML = template(p, this.show, options);
    this.r = {};
    for (const e of root.querySelectorAll('[id]')) this.r[e.id.slice(p.length)] = e;
    if (this.r.lang) {
      for (const [code, name] of LANGUAGES) this.r.lang.append(new Option(name, code));
    }
    this.translate();
    if (options.title) root.querySelector('h1').textContent = options.title;
    if (options.height) this.r.clusterWrap.style.height = `${options.height}px`;
    root.classList.toggle('fixed-height', !!options.height);
    root.classList.toggle('fill', !!options.fill);
    root.classList.toggle('has-side', !!this.r.nodeTitle || !!this.r.rulesList || !!this.r.ops || !!this.r.scenario || !!this.r.debugPanel || !!this.r.copyLink);
    if (this.r.scenario) this.r.scenario.value = options.scenario ?? DEFAULT_SCENARIO;
    if (this.r.nodes && options.nodes) this.r.nodes.value = String(options.nodes);
    if (this.r.seed && options.seed != null) this.r.seed.value = String(options.seed);
    if (this.r.prevote && options.prevote != null) this.r.prevote.checked = options.prevote;
    if (this.r.checkQuorum && options.checkQuorum != null) this.r.checkQuorum.checked = options.checkQuorum;
    // With size controls, a fresh cluster is what they show (seed 1 by default).
    if (this.r.nodes && options.scenario == null) this.origin = this.sizeOrigin();
    this.debug = new Debugger(this);
    this.rules = null; // the RuleMenu, once lab-rules.js is loaded
    this.features = {}; // name -> the promise of its module (null: it failed to load)
    this.featureModules = {};
    this.workerUrl = WORKER_URL;
    this.learn = new Learn(this);
    this.wire();
  }

  on(target, type, fn, opts = {}) { target.addEventListener(type, fn, { ...opts, signal: this.ac.signal }); }

  /** Loads the wasm module (once per page), creates the simulation and starts drawing. */
  async start() {
    this.syncSpeed();
    this.syncPlay();
    try {
      await ready();
    } catch (e) {
      this.fatal(e);
      if (this.r.fatalText) this.r.fatalText.textContent = this.t('fatal.start', { error: message(e) });
      return;
    }
    if (this.destroyed) return;
    const errors = [...(this.o.errors || [])];
    const atErrors = []; // robust: an `at` the run cannot reach keeps the link's run, and says so
    try {
      resolveSeed(this, RaftLab); // robust: seed=random becomes a fresh seed, shown and linked
      const n = errors.length;
      this.setSim(this.initialSim(errors));
      // `at` belongs to the starting scenario: not to a default run after an error.
      if (this.o.at != null && errors.length === n) this.debug.jump(this.o.at, atErrors, this.o.t);
    } catch (e) {
      this.fatal(e);
      return;
    }
    const showErrors = () => {
      if (errors.length) this.startError([...errors, ...atErrors]);
      else if (atErrors.length) this.startError(atErrors, 'link.atUnreachable', null);
    };
    showErrors();
    // A scenario's parse error is worded by the *-more catalogues: until they
    // are there, it shows the engine's English.
    if ((errors.length || atErrors.length) && !hasMore(this.lang)) {
      loadMore(this.lang).then(() => { if (!this.destroyed && !this.r.startError.hidden) showErrors(); });
    }
    this.setupCanvas(this.r.clusterWrap, this.r.cluster, (s, ctx, w, h, dpr, style) => s.render(ctx, w, h, dpr, style));
    if (this.r.logs) {
      this.setupCanvas(this.r.logWrap, this.r.logs, (s, ctx, w, h, dpr, style) => s.renderLog(ctx, w, h, dpr, style));
      this.sizeLog();
    }
    // A view runs while any part of it is on screen (on a phone, the client
    // panels far below the canvas keep it running); off screen it neither
    // runs nor draws, and resumes where it was.
    const io = new IntersectionObserver((es) => { this.visible = es[es.length - 1].isIntersecting; });
    io.observe(this.root);
    // Two columns from 600 px (lab.css; the root cannot query its own width).
    const wide = new ResizeObserver((es) => { this.root.classList.toggle('wide', es[es.length - 1].contentRect.width >= 600); });
    wide.observe(this.root);
    this.observers.push(io, wide);
    this.lastFrame = performance.now();
    startLoop(this);
    this.learn.started();
  }

  // The first simulation: the starting scenario, else a cluster. A bad
  // scenario or option is reported (in `errors`) and a default cluster runs.
  initialSim(errors) {
    if (this.origin.make) {
      try {
        return this.origin.make();
      } catch (e) {
        if (isPanic(e)) throw e;
        errors.push(described(e));
        this.origin = clusterOptions(this.o.fallback || this.o);
      }
    }
    if (this.origin.scenario != null) {
      try {
        return RaftLab.fromScenario(this.origin.scenario);
      } catch (e) {
        if (isPanic(e)) throw e;
        errors.push({ key: 'error.scenario', args: { error: described(e) } });
        const f = this.o.fallback || this.o;
        this.origin = this.r.nodes ? this.sizeOrigin() : clusterOptions(f);
        this.playing = !f.paused;
        this.syncPlay();
      }
    }
    try {
      return RaftLab.create(this.origin);
    } catch (e) {
      if (isPanic(e)) throw e;
      errors.push(message(e));
      this.origin = {};
      return RaftLab.create({});
    }
  }

  /** Stops the loop, removes every listener and frees the simulation. */
  destroy() {
    this.destroyed = true;
    stopLoop(this);
    this.ac.abort();
    for (const o of this.observers) o.disconnect();
    clearTimeout(this.statusTimer);
    this.learn.destroy();
    if (this.sim) { try { this.sim.free(); } catch { /* already gone */ } }
    this.sim = null;
    this.root.replaceChildren();
  }

  // ---------- language ----------

  /** Every text of the view in its language (after a change of language too). */
  translate() {
    const t = this.t;
    this.root.lang = this.lang;
    applyTranslations(this.root, t);
    if (this.r.lang) this.r.lang.value = this.lang;
    this.syncPlay();
    this.syncSpeed();
    this.syncTheme();
    this.syncPresent();
    this.panelKeys = {};
    this.nodeCount = 0; // the node menus are rebuilt in the new language
    if (this.sim) {
      this.setLabels();
      resetFeed(this);
      this.refresh();
    }
    if (this.rules) this.rules.translate();
    if (this.learn) this.learn.translate();
    if (this.refillLibrary) this.refillLibrary();
  }

  /** Switches the view's language in place (loading its catalogue); the run goes on. */
  async setLanguage(lang, remember = false) {
    let l = normalizeLang(lang);
    if (!l) return;
    if (remember && this.o.rememberTheme) rememberLanguage(l);
    const more = hasMore(this.lang); // texts of features in use: the new language's too
    l = await loadLanguage(l);
    if (more) await loadMore(l);
    if (this.destroyed) return;
    if (l !== this.lang) {
      this.lang = l;
      this.t = translator(l);
      this.translate();
      // An open dialog keeps its texts: those of the new language load now.
      if (this.r.help?.open || this.r.legend?.open) {
        await loadMore(l);
        applyTranslations(this.root, this.t);
        this.learn.translate();
      }
    }
    if (this.o.onLang) this.o.onLang(l);
  }

  /** The words drawn on the canvases (one a line, in the order setLabels takes them). */
  setLabels() {
    const keys = ['term', 'termShort', 'voted', 'votedNone', 'crashed', 'client', 'leader', 'noQuorum'];
    this.call((s) => s.setLabels(keys.map((k) => this.t(`canvas.${k}`)).join('\n')));
  }

  // ---------- errors ----------

  fatal(e) {
    if (this.fatalState) return;
    this.fatalState = true;
    this.playing = false;
    this.r.fatalText.textContent = this.t('fatal.error', { error: message(e) });
    this.r.fatal.hidden = false;
    this.syncPlay();
  }

  /** A transient message: text, or a phrase `{key, args}` in the view's language. */
  status(text, isError = false) {
    const el = this.r.status;
    el.textContent = this.t.text(text);
    el.classList.toggle('is-error', isError);
    el.hidden = false;
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => { el.hidden = true; }, isError ? 6000 : 3000);
  }

  /** A problem with the link or the options this view started from. */
  /** Shows option or link errors; intro and outro are catalogue keys. */
  startError(errors, intro = this.o.errorIntro || 'error.options', outro = this.o.errorOutro) {
    const t = this.t;
    intro = t(intro);
    outro = outro ? ` ${t(outro)}` : '';
    this.r.startErrorText.textContent = `${intro}: ${errors.map((e) => t.text(e)).join('; ')}.${outro}`;
    this.r.startError.hidden = false;
  }

  // Every call into wasm goes through here: a readable error for bad input,
  // the internal-error banner for a panic.
  call(fn, failed) {
    if (this.fatalState || !this.sim) { if (failed) failed(); return undefined; }
    try {
      return fn(this.sim);
    } catch (e) {
      // An error with a catalogue key (a lesson's "not your turn") speaks the view's language.
      if (isPanic(e)) this.fatal(e); else this.status(described(e), true);
      if (failed) failed(e);
      return undefined;
    }
  }

  /** A user action: acting in the past forks the run, which the user is told. */
  act(fn) {
    const past = this.debug.inPast();
    let ok = true;
    const r = this.call(fn, () => { ok = false; });
    if (ok && past) this.status(this.t('status.forked'));
    if (ok) this.debug.changed();
    return r;
  }

  // ---------- the simulation instance ----------

  setSim(sim) {
    const old = this.sim;
    this.sim = sim;
    this.selectedMessage = null;
    this.selectedLink = null;
    this.hoverMessage = null;
    this.highlight = null;
    this.panelKeys = {};
    resetFeed(this);
    if (old && old !== sim) { try { old.free(); } catch { /* already gone */ } }
    this.setLabels();
    if (this.o.onSim) this.o.onSim(sim);
    this.debug.onSim();
    this.refresh();
    const c = this.snap && this.snap.config;
    if (c && this.r.nodes) this.r.nodes.value = String(c.nodes);
    if (c && this.r.seed) this.r.seed.value = c.seed;
    if (c && this.r.prevote) this.r.prevote.checked = !!c.prevote;
    if (c && this.r.checkQuorum) this.r.checkQuorum.checked = !!c.checkQuorum;
    this.sizeLog();
  }

  reset() {
    try {
      const sim = this.origin.make ? this.origin.make()
        : this.origin.scenario != null ? RaftLab.fromScenario(this.origin.scenario) : RaftLab.create(this.origin);
      if (this.fatalState) { this.fatalState = false; this.playing = true; this.syncPlay(); }
      this.r.fatal.hidden = true;
      this.selectedNode = null;
      this.setSim(sim);
      this.applyLoad();
    } catch (e) {
      // A panic leaves the wasm instance unusable: only a new page helps.
      if (this.fatalState || isPanic(e)) location.reload();
      else this.status(described(e), true);
    }
  }

  /** A new cluster of the size and seed chosen in the controls. */
  resize() {
    this.origin = this.sizeOrigin();
    this.reset();
  }

  sizeOrigin() {
    const o = { ...clusterOptions(this.o), nodes: Number(this.r.nodes.value), seed: Number(this.r.seed.value) || 0 };
    if (this.r.prevote) o.prevote = this.r.prevote.checked;
    if (this.r.checkQuorum) o.checkQuorum = this.r.checkQuorum.checked;
    return o;
  }

  /** Starts the scenario `text`; a parse error is shown and the current run goes on. */
  loadScenario(text = this.r.scenario.value) {
    const out = this.r.scenarioError;
    if (this.fatalState) { out.textContent = this.t('sc.resetFirst'); return false; }
    let sim;
    try {
      sim = RaftLab.fromScenario(text);
    } catch (e) {
      if (isPanic(e)) { this.fatal(e); return false; }
      const problem = described(e);
      const shown = this.t.text(problem);
      out.textContent = shown; // the previous simulation keeps running
      // Worded in the view's language once the parse errors' texts are there.
      if (!hasMore(this.lang)) loadMore(this.lang).then(() => { if (out.textContent === shown) out.textContent = this.t.text(problem); });
      return false;
    }
    out.textContent = '';
    this.origin = { scenario: text };
    this.selectedNode = null;
    this.setSim(sim);
    this.applyLoad();
    this.playing = true;
    this.syncPlay();
    return true;
  }

  // ---------- clock and speed ----------

  speed() { return 10 ** -this.speedExp; }

  syncSpeed() {
    if (!this.r.speed) return;
    this.r.speed.value = String(this.speedExp);
    const s = this.speed();
    const label = this.speedExp < 0.005 ? '1×' : `1/${Math.round(1 / s)}×`;
    const perSec = 1000 * s;
    const ms = perSec >= 10 ? `${Math.round(perSec)}` : perSec.toFixed(perSec >= 1 ? 1 : 2);
    const detail = document.createElement('span');
    detail.className = 'long';
    detail.textContent = this.t('speed.detail', { ms });
    this.r.speedOut.replaceChildren(label, detail);
  }

  setSpeedExp(v) {
    this.speedExp = Math.min(3, Math.max(0, v));
    this.syncSpeed();
  }

  syncPlay() {
    const b = this.r.play;
    if (!b) return;
    b.textContent = this.t(this.playing ? 'play.pause' : 'play.play');
    b.setAttribute('aria-pressed', String(this.playing));
  }

  setPlaying(p) {
    if (this.fatalState) return;
    this.playing = !!p;
    if (this.playing) this.debug.clearStop(); // running on leaves the stop behind
    this.syncPlay();
  }

  togglePlay() { this.setPlaying(!this.playing); }

  stepOne() {
    this.setPlaying(false);
    this.debug.clearStop();
    const ev = this.call((s) => s.stepEvent());
    if (ev === undefined || ev === null) this.status(this.t('status.nothingLeft'));
    else {
      const last = typeof this.sim.lastEvent === 'function' ? this.call((s) => s.lastEvent()) : null;
      this.status(last && last.phrase ? `#${last.number} ${this.t.text(last.phrase)}` : String(ev));
    }
    this.debug.checkStop();
    this.refresh();
  }

  // ---------- canvases and the frame ----------

  setupCanvas(wrap, canvas, paint) {
    const c = { canvas, ctx: canvas.getContext('2d'), w: 0, h: 0, dpr: 1, paint, onScreen: true };
    const resize = () => {
      const r = wrap.getBoundingClientRect();
      c.dpr = window.devicePixelRatio || 1;
      c.w = Math.max(1, Math.floor(r.width));
      c.h = Math.max(1, Math.floor(r.height));
      canvas.width = Math.round(c.w * c.dpr);
      canvas.height = Math.round(c.h * c.dpr);
      this.draw();
    };
    const ro = new ResizeObserver(resize);
    ro.observe(wrap);
    // A canvas scrolled out of view is not drawn; the run goes on.
    const io = new IntersectionObserver((es) => {
      c.onScreen = es[es.length - 1].isIntersecting;
      if (c.onScreen) this.draw();
    });
    io.observe(wrap);
    this.observers.push(ro, io);
    resize();
    this.canvases.push(c);
    return c;
  }

  /** The log grid is as tall as its rows need (more nodes, more rows; larger in presentation mode). */
  sizeLog() {
    if (!this.r.logWrap || !this.sim) return;
    const n = this.snap ? this.snap.nodes.length : 5;
    this.r.logWrap.style.height = `${RaftLab.logGridHeight(n, this.scale())}px`;
  }

  scale() { return this.present ? PRESENT_SCALE : 1; }

  renderStyle() {
    const s = { dark: this.dark, reducedMotion: this.reducedMotion, scale: this.scale(), coarsePointer: this.coarsePointer };
    if (this.selectedNode != null) s.selectedNode = this.selectedNode;
    if (this.selectedMessage != null) s.selectedMessage = this.selectedMessage;
    if (this.hoverMessage != null) s.hoverMessage = this.hoverMessage;
    if (this.selectedLink) s.selectedLink = this.selectedLink;
    if (this.highlight) s.highlightNodes = this.highlight;
    return s;
  }

  draw() {
    if (!this.sim || this.fatalState) return;
    const style = this.renderStyle();
    for (const c of this.canvases) {
      if (!c.w || !c.h || !c.onScreen) continue;
      c.ctx.setTransform(1, 0, 0, 1, 0, 0);
      this.call((s) => c.paint(s, c.ctx, c.w, c.h, c.dpr, style));
    }
  }

  /** Panels and canvases now (after anything that changed the state). */
  refresh() {
    refreshPanels(this);
    this.draw();
  }

  frame(now) {
    const dt = Math.min(Math.max(now - this.lastFrame, 0), MAX_FRAME_MS);
    this.lastFrame = now;
    // Off screen, a view neither runs nor draws: it resumes where it was.
    if (!this.sim || this.fatalState || !this.visible) return;
    try {
      const t0 = performance.now();
      this.debug.beforeFrame();
      if (this.playing) {
        this.call((s) => s.advance(dt * this.speed()));
        this.debug.checkStop();
      }
      this.draw();
      const t1 = performance.now();
      if (this.frameTimes) this.frameTimes.push(t1 - t0);
      if (this.firstFrameMs === null) this.firstFrameMs = t1;
      if (now - this.lastPanels >= PANEL_INTERVAL_MS) {
        refreshPanels(this, now);
        if (this.panelTimes) this.panelTimes.push(performance.now() - t1);
      }
    } catch (e) {
      this.fatal(e); // a bug in one view must not stop the others
    }
  }

  // ---------- actions ----------

  selectNode(id) {
    const n = this.snap ? this.snap.nodes.length : 0;
    if (id < 1 || id > n) return;
    this.selectedNode = this.selectedNode === id ? null : id;
    this.refresh();
  }

  nodeAction(name) {
    const id = this.selectedNode;
    if (id == null) { this.status(this.t('status.selectFirst'), true); return; }
    this.act((s) => s[name](id));
    this.refresh();
  }

  applyLoad() {
    if (this.r.load) this.call((s) => s.setClientLoad(Number(this.r.load.value)));
  }

  submitOp(op, key, value, viaText, read = 'log') {
    if (!key) { this.status(this.t('status.enterKey'), true); return; }
    const via = viaText ? Number(viaText) : undefined;
    const v = op === 'put' ? value : undefined;
    // Writes always go through the log; the read mode is for get and list.
    const mode = op === 'get' || op === 'list' ? read : 'log';
    const id = this.act((s) => s.submit(op, key, v, via, mode));
    if (id !== undefined) {
      const command = `${op} ${key}${op === 'put' ? ` ${value}` : ''}${mode !== 'log' ? ` read=${mode}` : ''}`;
      this.status(via ? this.t('status.sentTo', { op: id, command, node: via }) : this.t('status.sentLeader', { op: id, command }));
    }
    refreshPanels(this);
  }

  messageAction(name) {
    if (this.selectedMessage == null) return;
    this.act((s) => s[name](this.selectedMessage));
    this.refresh();
  }

  /** The keyboard help, its texts loaded first. */
  async showHelp() {
    const r = this.r;
    if (!r.help || r.help.open) return;
    await loadMore(this.lang);
    applyTranslations(r.help, this.t);
    if (!r.help.open && !this.destroyed) r.help.showModal();
  }

  // ---------- features loaded on demand ----------

  /** The module of an on-demand feature with its texts (lab-features.js); null if it cannot be loaded. */
  feature(name, retry = true) { return loadFeature(this, name, retry); }

  /** The module of a feature if it is loaded, else null. */
  loaded(name) { return this.featureModules[name] || null; }

  /** The link that reproduces the run up to the current event (lab-options.js), or null. */
  link() { return currentLink(this); }

  // ---------- theme, presentation, motion, wiring ----------

  syncTheme() {
    this.root.dataset.theme = this.dark ? 'dark' : 'light';
    if (this.r.theme) {
      this.r.theme.textContent = this.t(this.dark ? 'theme.light' : 'theme.dark');
      this.r.theme.setAttribute('aria-pressed', String(this.dark));
    }
  }

  /** The user picked a theme: it stays, whatever the system's changes. */
  chooseTheme(dark) {
    this.themeChosen = true;
    this.setTheme(dark, true);
  }

  setTheme(dark, remember) {
    this.dark = dark;
    this.syncTheme();
    if (remember && this.o.rememberTheme) store('raftlab-theme', dark ? 'dark' : 'light');
    if (this.o.onTheme) this.o.onTheme(dark);
    this.draw();
    this.debug.draw();
  }

  syncPresent() {
    this.root.classList.toggle('present', this.present);
    if (this.r.present) this.r.present.setAttribute('aria-pressed', String(this.present));
  }

  /** Presentation mode: large type and larger nodes and messages, for a projector. */
  setPresent(on, remember) {
    this.present = !!on;
    this.syncPresent();
    if (remember && this.o.rememberTheme) store('raftlab-present', this.present ? '1' : '0');
    this.sizeLog();
    this.draw();
  }

  wire() {
    wireControls(this);
    wireInput(this);
    wireFeatures(this);
    this.refillLibrary = wireLibrary(this);
    this.on(this.o.keyboard === 'document' ? document : this.root, 'keydown', (e) => onKey(this, e));

    const darkMq = matchMedia('(prefers-color-scheme: dark)');
    let saved = this.o.theme || null;
    if (!saved && this.o.rememberTheme) saved = stored('raftlab-theme');
    this.setTheme(saved ? saved === 'dark' : darkMq.matches, false);
    this.on(darkMq, 'change', (e) => { if (!saved && !this.themeChosen) this.setTheme(e.matches, false); });
    const motionMq = matchMedia('(prefers-reduced-motion: reduce)');
    this.reducedMotion = motionMq.matches;
    this.on(motionMq, 'change', (e) => { this.reducedMotion = e.matches; this.draw(); });
    const touchMq = matchMedia('(pointer: coarse)');
    this.coarsePointer = touchMq.matches;
    this.on(touchMq, 'change', (e) => { this.coarsePointer = e.matches; });
  }
}
