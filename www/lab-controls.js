// The view's buttons, menus and forms that call straight into its methods:
// the bar (play, step, reset, theme, presentation, language, help, speed,
// size), the node and message actions, the client form and the scenario box;
// the share and file buttons, whose work (lab-share.js) loads with the first click.
import { newSeed } from './lab-seed.js';
import { loadMore } from './i18n.js';

const SHARE_BUTTONS = ['copyLink', 'png', 'trace', 'saveText', 'saveRun', 'recordRun'];

export function wireControls(v) {
  const r = v.r;
  const click = (name, fn) => { if (r[name]) v.on(r[name], 'click', fn); };
  click('play', () => v.togglePlay());
  click('step', () => v.stepOne());
  click('reset', () => v.reset());
  click('fatalReset', () => v.reset());
  click('theme', () => v.chooseTheme(!v.dark));
  click('present', () => v.setPresent(!v.present, true));
  click('helpBtn', () => v.showHelp());
  click('startErrorClose', () => { r.startError.hidden = true; });
  click('crash', () => v.nodeAction('crash'));
  click('restart', () => v.nodeAction('restart'));
  click('timeout', () => v.nodeAction('timeout'));
  click('transfer', () => v.nodeAction('transferLeader'));
  click('drop', () => v.messageAction('dropMessage'));
  click('dup', () => v.messageAction('duplicateMessage'));
  click('loadScenario', () => v.loadScenario());
  // Someone about to write a scenario may make a mistake: the parse errors'
  // texts (the *-more catalogues) start loading now, not after it.
  if (r.scenario) v.on(r.scenario, 'focus', () => loadMore(v.lang), { once: true });
  click('newSeed', () => newSeed(v));
  const share = async (name) => { (await v.feature('share'))?.SHARE_ACTIONS[name](v); };
  for (const name of SHARE_BUTTONS) click(name, () => share(name));
  click('openFile', () => r.file.click()); // now, in the click: a file picker needs the user's gesture
  if (r.file) v.on(r.file, 'change', () => share('file'));
  if (r.lang) v.on(r.lang, 'change', () => v.setLanguage(r.lang.value, true));
  if (r.speed) v.on(r.speed, 'input', (e) => v.setSpeedExp(Number(e.target.value)));
  if (r.nodes) {
    for (const input of [r.nodes, r.seed, r.prevote, r.checkQuorum]) if (input) v.on(input, 'change', () => v.resize());
  }
  if (r.clientForm) {
    v.on(r.clientForm, 'submit', (e) => { e.preventDefault(); v.submitOp(r.op.value, r.key.value.trim(), r.value.value, r.via.value, r.read?.value); });
    v.on(r.op, 'change', () => { r.value.disabled = r.op.value !== 'put'; });
    v.on(r.load, 'change', () => v.applyLoad());
  }
}
