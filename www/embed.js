// embed.html: one view with minimal chrome, for an <iframe> in course notes.
// Everything comes from the hash, e.g.
//   embed.html#nodes=5&seed=7&paused&controls=play,step&s=<encodeURIComponent(scenario)>
// Options that cannot be used are named on the page; the rest still apply.
import { RaftLabView, isPanic } from './lab-view.js';
import { readHash, fetchScenario } from './lab-options.js';

const { options, errors } = readHash(location.hash);
if (options.src && options.scenario == null) {
  try {
    options.scenario = await fetchScenario(options.src);
  } catch (e) {
    errors.push(e.message);
  }
}
const view = new RaftLabView(document.getElementById('lab'), {
  ...options,
  idPrefix: '',
  keyboard: 'document', // the frame is the view: keys work once it has focus
  errors,
  errorIntro: 'Some options of this embed could not be used',
  linkBase: new URL('index.html', location.href).href,
  onSim: (sim) => { window.raftlab = sim; },
});
window.raftlabView = view;
window.addEventListener('error', (e) => { if (e.error && isPanic(e.error)) view.fatal(e.error); });
// An edited hash is a new embed.
window.addEventListener('hashchange', () => location.reload());
view.start();
