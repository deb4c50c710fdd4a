// The markup of one Raft Lab view. `p` prefixes every id, so that views
// sharing one document keep distinct ids (labels and ARIA links need ids);
// `show` is the set of controls to include. Only constant text goes in here:
// anything that comes from a user, a link or the simulator is set later
// through textContent.

const DEFAULT_SCENARIO = `# A leader crashes; the rest elect a new one.
cluster 5 seed=7
run until leader
put x 1
run until committed 2
crash leader
run until leader within 2s
expect value x 1
expect no-violations`;

// A safety violation always stops the run: it needs no checkbox.
export const BREAKPOINTS = [
  ['election-started', 'election started'], ['leader-elected', 'leader elected'], ['term-change', 'term change'],
  ['entry-committed', 'entry committed'], ['timeout', 'timer fired'], ['action', 'user action'],
];
export const MESSAGE_TYPES = ['any', 'RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply', 'ClientRequest', 'ClientReply'];
const RUN_KINDS = [...BREAKPOINTS.slice(0, 4), ['violation', 'invariant violated'], ['deliver', 'message delivered'], ...BREAKPOINTS.slice(4)];

const opts = (list) => list.map(([v, t]) => `<option value="${v}">${t}</option>`).join('');

function header(p, show, title) {
  const c = [];
  if (show.has('play')) c.push(`<button id="${p}play" class="play" type="button" aria-pressed="true" title="Play / pause (space)">Pause</button>`);
  if (show.has('step')) {
    c.push(`<button id="${p}stepBack" type="button" title="Back one event (b)" hidden>Back</button>`,
      `<button id="${p}step" type="button" title="Run one event (s)">Step</button>`);
  }
  if (show.has('speed')) {
    c.push(`<label class="speed">Speed
      <input id="${p}speed" type="range" min="0" max="3" step="0.01" value="1.3" aria-describedby="${p}speedOut">
      <output id="${p}speedOut" for="${p}speed"></output></label>`);
  }
  if (show.has('reset')) c.push(`<button id="${p}reset" type="button" title="Start this simulation again">Reset</button>`);
  if (show.has('size')) {
    c.push(`<label>Nodes <select id="${p}nodes">${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `<option${n === 5 ? ' selected' : ''}>${n}</option>`).join('')}</select></label>`,
      `<label>Seed <input id="${p}seed" class="seed" type="number" min="0" value="1" inputmode="numeric"></label>`,
      // robust: a fresh random seed (RaftLab.randomSeed), wired in lab-share.js
      `<button id="${p}newSeed" type="button" title="A new random seed: a run nobody has seen yet">New seed</button>`);
  }
  if (show.has('theme')) c.push(`<button id="${p}theme" type="button" aria-pressed="false" title="Light / dark theme">Dark</button>`);
  if (show.has('help')) c.push(`<button id="${p}helpBtn" type="button" title="Keyboard shortcuts (?)" aria-haspopup="dialog">?</button>`);
  const clock = show.has('clock') ? `<div id="${p}clock" class="clock" aria-label="Virtual time">t = 0 ms</div>` : '';
  if (!c.length && !clock && !title) return '';
  return `<div class="bar">${title ? '<h1></h1>' : ''}
  <div class="controls" role="toolbar" aria-label="Simulation controls">${c.join('\n')}</div>${clock}</div>`;
}

function debugPanel(p) {
  return `<section class="panel" id="${p}debugPanel" aria-labelledby="${p}dbgTitle" hidden>
  <h2 id="${p}dbgTitle">Debugger</h2>
  <div class="row">
    <label>Run to next <select id="${p}runKind">${opts(RUN_KINDS)}</select></label>
    <button id="${p}runNext" type="button" title="n">Run</button>
  </div>
  <fieldset class="bps"><legend>Break on</legend>
    ${BREAKPOINTS.map(([v, t]) => `<label><input type="checkbox" data-bp="${v}"> ${t}</label>`).join('\n')}
  </fieldset>
  <div class="row bp-msg">
    <label>message <select id="${p}bpType">${MESSAGE_TYPES.map((t) => `<option>${t}</option>`).join('')}</select></label>
    <label><select id="${p}bpFrom" aria-label="from node"></select>→<select id="${p}bpTo" aria-label="to node"></select></label>
    <button id="${p}bpAdd" type="button">Break</button>
  </div>
  <ul id="${p}bpList" class="bp-list"></ul>
  <p class="muted small">A safety violation always stops the run.</p>
</section>`;
}

function nodePanel(p, show) {
  const buttons = show.has('faults') ? `<div class="row">
    <button id="${p}crash" type="button" title="c">Crash</button>
    <button id="${p}restart" type="button" title="r">Restart</button>
    <button id="${p}timeout" type="button" title="t">Force timeout</button></div>` : '';
  const info = show.has('inspector') ? `<div id="${p}nodeInfo" class="info"><p class="muted">Click a node (or press 1–9).</p></div>` : '';
  return `<section class="panel" aria-labelledby="${p}nodeTitle">
  <h2 id="${p}nodeTitle">Node</h2>${buttons}${info}</section>`;
}

function messagePanel(p, show) {
  const buttons = show.has('faults') ? `<div class="row">
    <button id="${p}drop" type="button" disabled>Drop</button>
    <button id="${p}dup" type="button" disabled>Duplicate</button></div>` : '';
  const info = show.has('inspector') ? `<div id="${p}msgInfo" class="info"><p class="muted">Click a message in flight.</p></div>` : '';
  return `<section class="panel" aria-labelledby="${p}msgTitle">
  <h2 id="${p}msgTitle">Message</h2>${buttons}${info}</section>`;
}

const NETWORK = (p) => `<section class="panel" aria-labelledby="${p}netTitle">
  <h2 id="${p}netTitle">Network</h2>
  <div class="row">
    <button id="${p}isolate" type="button" title="p">Isolate leader</button>
    <button id="${p}split" type="button">Split minority / majority</button>
    <button id="${p}heal" type="button" title="h">Heal</button>
  </div>
  <p id="${p}dragHint" class="muted small drag-hint">Drag a node onto another to group them; onto empty space to isolate it. Keyboard: select a node, then g and a node number (0: alone).</p>
  <p id="${p}netInfo" class="muted small"></p>
</section>`;

const MOMENT = (p) => `<section class="panel" id="${p}momentPanel" aria-labelledby="${p}momentTitle" hidden>
  <h2 id="${p}momentTitle">Event</h2>
  <div id="${p}moment" class="info"></div>
</section>`;

const CLIENT = (p) => `<section class="panel" aria-labelledby="${p}clientTitle">
  <h2 id="${p}clientTitle">Client</h2>
  <form id="${p}clientForm" class="client">
    <label>Op <select id="${p}op"><option>put</option><option>get</option><option>del</option><option>list</option></select></label>
    <label>Key <input id="${p}key" value="x" size="6" required></label>
    <label>Value <input id="${p}value" value="1" size="6"></label>
    <label>To <select id="${p}via"><option value="">leader</option></select></label>
    <button id="${p}submit" type="submit">Send</button>
  </form>
  <label class="small">Load <select id="${p}load">
    <option value="0">off</option><option value="200">a put every 200 ms</option>
    <option value="50">every 50 ms</option><option value="10">every 10 ms</option>
  </select></label>
  <ol id="${p}ops" class="ops"></ol>
</section>
<section class="panel" aria-labelledby="${p}kvTitle">
  <h2 id="${p}kvTitle">Applied state</h2>
  <table id="${p}kv" class="kv"></table>
</section>`;

const SCENARIO = (p) => `<section class="panel" aria-labelledby="${p}scTitle">
  <h2 id="${p}scTitle">Scenario</h2>
  <textarea id="${p}scenario" rows="9" spellcheck="false" aria-label="Scenario text"></textarea>
  <div class="row">
    <button id="${p}loadScenario" type="button">Load &amp; run</button>
    <button id="${p}openFile" type="button" title="Load a scenario from a .txt file">Open file…</button>
    <input id="${p}file" type="file" accept=".txt,text/plain" hidden>
    <button id="${p}saveText" type="button" title="Download the text above">Download</button>
    <button id="${p}saveRun" type="button" title="Download a scenario that replays this run up to now" hidden>Download run</button>
    <button id="${p}recordRun" type="button" title="Put the scenario of this run so far into the box" hidden>This run → box</button>
  </div>
  <p id="${p}scenarioError" class="error" role="alert"></p>
  <p id="${p}scenarioStatus" class="muted small"></p>
</section>`;

const SHARE = (p) => `<section class="panel" aria-labelledby="${p}shareTitle">
  <h2 id="${p}shareTitle">Share</h2>
  <div class="row">
    <button id="${p}copyLink" type="button" title="A link that reproduces this run at this event" hidden>Copy link</button>
    <button id="${p}png" type="button" title="The cluster picture as a PNG file">Export PNG</button>
    <button id="${p}trace" type="button" title="The events so far as JSON" hidden>Export trace</button>
  </div>
  <input id="${p}link" class="link" readonly aria-label="Link to this moment" hidden>
</section>`;

const HELP = (p) => `<dialog id="${p}help" aria-labelledby="${p}helpTitle">
  <h2 id="${p}helpTitle">Keyboard</h2>
  <dl class="keys">
    <dt>Space</dt><dd>play / pause</dd>
    <dt>s / b</dt><dd>step one event forward / back</dd>
    <dt>n</dt><dd>run to the next event of the chosen kind</dd>
    <dt>+ / −</dt><dd>faster / slower</dd>
    <dt>1 – 9</dt><dd>select node</dd>
    <dt>c / r / t</dt><dd>crash / restart / force timeout of the selected node</dd>
    <dt>p</dt><dd>isolate the leader</dd>
    <dt>h</dt><dd>heal the network</dd>
    <dt>g, then 1 – 9</dt><dd>move the selected node into that node's partition group</dd>
    <dt>g, then 0</dt><dd>move the selected node into a group of its own</dd>
    <dt>w</dt><dd>send a put</dd>
    <dt>← / →</dt><dd>on the timeline: one event back / forward; Home / End: start / end</dd>
    <dt>+ / −</dt><dd>on the timeline: zoom in / out (also the wheel, or two fingers)</dd>
    <dt>?</dt><dd>this help</dd>
    <dt>Esc</dt><dd>close, clear the selection</dd>
  </dl>
  <p class="small">Click a node to inspect it, a message to drop or duplicate it, a link to cut it one way (shift-click: both ways; click again to repair). Drag a node onto another node to put it in that node's partition group, or onto empty space to isolate it. Drag along the timeline to travel in time.</p>
  <form method="dialog"><button>Close</button></form>
</dialog>`;

export function template(p, show, { title } = {}) {
  const side = [];
  if (show.has('debug')) side.push(debugPanel(p));
  if (show.has('inspector') || show.has('faults')) side.push(nodePanel(p, show));
  if (show.has('inspector')) side.push(MOMENT(p));
  if (show.has('faults')) side.push(NETWORK(p));
  if (show.has('inspector') || show.has('faults')) side.push(messagePanel(p, show));
  if (show.has('client')) side.push(CLIENT(p));
  if (show.has('scenario')) side.push(SCENARIO(p));
  if (show.has('share')) side.push(SHARE(p));
  const ariaCanvas = show.has('faults')
    ? 'Cluster: nodes and messages in flight. Click a node or message to inspect it, a link to cut it. Drag a node onto another to group them, onto empty space to isolate it.'
    : 'Cluster: nodes and messages in flight. Click a node or message to select it.';
  return `${header(p, show, title)}
<div id="${p}fatal" class="banner fatal" role="alert" hidden>
  <span id="${p}fatalText">internal error</span>
  <button id="${p}fatalReset" type="button">Reset</button>
</div>
<div id="${p}startError" class="banner is-error start-error" role="alert" hidden>
  <span id="${p}startErrorText"></span> <button id="${p}startErrorClose" type="button" aria-label="Dismiss">✕</button>
</div>
<div id="${p}status" class="banner status" role="status" hidden></div>
<div class="rl-main${side.length ? '' : ' no-side'}">
  <section class="stage" aria-label="Cluster">
    <div id="${p}clusterWrap" class="canvas-wrap cluster">
      <canvas id="${p}cluster" tabindex="0" aria-label="${ariaCanvas}"></canvas>
      <div id="${p}dragGhost" class="drag-ghost" aria-hidden="true" hidden><span class="node"></span><span class="hint"></span></div>
      <div id="${p}stop" class="stop" role="alert" hidden><span id="${p}stopText"></span> <button id="${p}stopClose" type="button" aria-label="Dismiss">✕</button></div>
    </div>
    ${show.has('timeline') ? `<div id="${p}timelineWrap" class="timeline" hidden><canvas id="${p}timeline" tabindex="0" role="slider" aria-label="Timeline: drag to travel in time"></canvas></div>` : ''}
    ${show.has('log') ? `<div id="${p}logWrap" class="canvas-wrap logs"><canvas id="${p}logs" aria-label="Log of every node"></canvas></div>` : ''}
    ${show.has('feed') ? `<section class="panel feed-panel"><h2>Events</h2><ol id="${p}feed" class="feed" aria-live="polite" aria-relevant="additions"></ol></section>` : ''}
  </section>
  ${side.length ? `<aside class="side">${side.join('\n')}</aside>` : ''}
</div>
${show.has('help') ? HELP(p) : ''}`;
}

export { DEFAULT_SCENARIO };
