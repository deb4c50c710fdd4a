// <raft-lab>: a Raft Lab view as an HTML element, for course notes.
//   <script type="module" src="raft-lab.js"></script>
//   <raft-lab scenario="cluster 5 seed=7&#10;run until leader" controls="play,step,faults" paused></raft-lab>
//   <raft-lab src="scenarios/leader-crash.txt" height="320"></raft-lab>
//   <raft-lab lesson="leader-election" step="2"></raft-lab>   (a lesson, docs/lessons.md)
// Attributes: scenario, src, lesson, step, controls, paused, autoplay, nodes, seed, election,
// heartbeat, latency, loss, prevote, checkquorum, speed, height, theme, at, lang; without scenario or
// src, the element's own text is the scenario, if it has any. Each element
// runs its own simulation in a shadow root: its styles and the page's stay
// apart. `element.sim` is its RaftLab object, `element.view` its view.
import { RaftLabView } from './lab-view.js';
import { readOptions, fetchScenario } from './lab-options.js';
import { loadLanguage, normalizeLang, phrase, pickLanguage } from './i18n.js';

const ATTRIBUTES = ['scenario', 'src', 'lesson', 'step', 'controls', 'paused', 'autoplay', 'nodes', 'seed', 'election',
  'heartbeat', 'latency', 'loss', 'prevote', 'checkquorum', 'speed', 'height', 'theme', 'at', 'lang'];
const CSS_URL = new URL('lab.css', import.meta.url).href;
// Inherited page styles (font, colour, letter spacing...) stop at the host.
const HOST_CSS = ':host{all:initial;display:block;margin:1em 0}:host([hidden]){display:none}.rl{border:1px solid var(--line);border-radius:8px;overflow:hidden}';

// One parsed copy of the view's styles for every element on the page.
let sheets = null;
function styleSheets() {
  sheets ||= fetch(CSS_URL).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)))).then((text) => {
    const lab = new CSSStyleSheet();
    lab.replaceSync(text);
    const host = new CSSStyleSheet();
    host.replaceSync(HOST_CSS);
    return [lab, host];
  });
  return sheets;
}

function linkBase(lang) {
  const u = new URL('index.html', import.meta.url);
  if (lang) u.searchParams.set('lang', lang);
  return u.href;
}

class RaftLabElement extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTES; }

  connectedCallback() { this.schedule(); }

  disconnectedCallback() { this.teardown(); }

  attributeChangedCallback() { if (this.view || this.mounting || this.listed) this.schedule(); }

  get sim() { return this.view ? this.view.sim : null; }

  // Attribute changes made together (in one task) rebuild the view once.
  schedule() {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.isConnected) this.mount();
    });
  }

  async mount() {
    this.teardown();
    const token = {};
    this.mounting = token;
    const shadow = this.shadowRoot || this.attachShadow({ mode: 'open' });
    const { options, errors } = readOptions((n) => this.getAttribute(n));
    if (options.scenario == null && options.src == null && this.textContent.trim()) options.scenario = this.textContent;
    const lang = this.getAttribute('lang');
    if (lang != null && !normalizeLang(lang)) errors.push(phrase('opt.lang', { value: lang }));
    try {
      shadow.adoptedStyleSheets = await styleSheets();
    } catch (e) {
      errors.push(phrase('embed.styles', { error: e.message || e }));
    }
    if (options.src != null && options.scenario == null) {
      try {
        options.scenario = await fetchScenario(options.src, document.baseURI);
      } catch (e) {
        errors.push(e.key ? phrase(e.key, e.args) : e.message);
      }
    }
    const loaded = await loadLanguage(pickLanguage(lang));
    if (this.mounting !== token) return; // disconnected or changed meanwhile
    const root = document.createElement('div');
    const viewOptions = {
      height: 360,
      ...options,
      lang: loaded,
      idPrefix: '',
      errors,
      errorIntro: 'element.error',
      linkBase: linkBase(loaded),
      onSim: (sim) => this.dispatchEvent(new CustomEvent('raftlab-sim', { detail: sim })),
    };
    // A lesson: its panel above the canvas; a name that is no lesson, the list.
    let lesson = null;
    if (options.lesson != null) {
      const { prepareLesson } = await import('./lab-lesson-embed.js');
      lesson = await prepareLesson(options, viewOptions, {
        root, lang: loaded, pick: (name) => { this.setAttribute('step', '1'); this.setAttribute('lesson', name); },
      });
      if (this.mounting !== token) return;
    }
    this.mounting = null;
    shadow.replaceChildren(root);
    // No such lesson: the list is shown; picking one sets the attribute.
    this.listed = options.lesson != null && !lesson;
    if (this.listed) return;
    this.view = new RaftLabView(root, viewOptions);
    if (lesson) lesson.mount(this.view);
    await this.view.start();
  }

  teardown() {
    this.mounting = null;
    if (this.view) {
      this.view.destroy();
      this.view = null;
    }
  }
}

if (!customElements.get('raft-lab')) customElements.define('raft-lab', RaftLabElement);
