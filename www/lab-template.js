// The markup of one Raft Lab view. `p` prefixes every id, so that views
// sharing one document keep distinct ids (labels and ARIA links need ids);
// `show` is the set of controls to include. No text is written here: every
// element carries the key of its text in the message catalogues
// (`data-t`, `data-t-title`, `data-t-aria-label`; `data-tm` for the texts
// loaded on demand), which `applyTranslations` fills in the view's language. Anything that comes
// from a user, a link or the simulator is set later through textContent.

const DEFAULT_SCENARIO = `# A leader crashes; the rest elect a new one.
cluster 5 seed=7
# Five servers elect a leader, which commits x=1 on a majority.
#[ko] 서버 5대가 리더를 선출하고, 리더는 x=1을 과반수에 커밋합니다.
run until leader
put x 1
run until committed 2
# The leader crashes; the first follower whose timer runs out starts an election.
#[ko] 리더가 다운되고, 타이머가 가장 먼저 끝난 팔로워가 선거를 시작합니다.
crash leader
run until leader within 2s
expect value x 1
expect no-violations`;

// [name, catalogue key]. A safety violation always stops the run: it needs no checkbox.
export const BREAKPOINTS = ['election-started', 'leader-elected', 'term-change', 'entry-committed', 'timeout', 'action']
  .map((b) => [b, `bp.${b}`]);
export const MESSAGE_TYPES = ['any', 'RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply', 'PreVote',
  'PreVoteReply', 'TimeoutNow', 'ClientRequest', 'ClientReply'];
const RUN_KINDS = [...BREAKPOINTS.slice(0, 4), ['violation', 'bp.violation'], ['deliver', 'bp.deliver'], ...BREAKPOINTS.slice(4)];

const opts = (list) => list.map(([v, key]) => `<option value="${v}" data-t="${key}"></option>`).join('');
const btn = (p, id, key, attrs = '') =>
  `<button id="${p}${id}" type="button" data-t="${key}"${attrs}></button>`;
const titled = (key) => ` data-t-title="${key}"`;

function header(p, show, title) {
  const c = [];
  if (show.has('play')) c.push(btn(p, 'play', 'play.pause', ` class="play" aria-pressed="true"${titled('play.title')}`));
  if (show.has('step')) {
    c.push(btn(p, 'stepBack', 'step.back', `${titled('step.backTitle')} hidden`), btn(p, 'step', 'step.step', titled('step.title')));
  }
  if (show.has('speed')) {
    c.push(`<label class="speed"><span data-t="speed.label"></span>
      <input id="${p}speed" type="range" min="0" max="3" step="0.01" value="1.3" aria-describedby="${p}speedOut">
      <output id="${p}speedOut" for="${p}speed"></output></label>`);
  }
  if (show.has('reset')) c.push(btn(p, 'reset', 'reset', titled('reset.title')));
  if (show.has('size')) {
    c.push(`<label><span data-t="size.nodes"></span> <select id="${p}nodes">${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `<option${n === 5 ? ' selected' : ''}>${n}</option>`).join('')}</select></label>`,
      `<label><span data-t="size.seed"></span> <input id="${p}seed" class="seed" type="number" min="0" value="1" inputmode="numeric"></label>`,
      // A fresh random seed (RaftLab.randomSeed), wired in lab-share.js.
      `<button id="${p}newSeed" type="button" data-t="size.newSeed" data-t-title="size.newSeedTitle"></button>`,
      // The cluster line's options (thesis §9.6, §4.2.3): a new cluster with them.
      `<label class="option"${titled('size.prevoteTitle')}><input id="${p}prevote" type="checkbox"> <span data-t="size.prevote"></span></label>`,
      `<label class="option"${titled('size.checkQuorumTitle')}><input id="${p}checkQuorum" type="checkbox"> <span data-t="size.checkQuorum"></span></label>`);
  }
  if (show.has('theme')) {
    c.push(btn(p, 'theme', 'theme.dark', ` aria-pressed="false"${titled('theme.title')}`),
      btn(p, 'present', 'present', ` aria-pressed="false"${titled('present.title')}`),
      `<label class="lang"><span class="sr-only" data-t="lang.label"></span><select id="${p}lang"></select></label>`);
  }
  // The legend goes with any other control; `controls=none` is just the canvas.
  if (c.length || show.has('clock')) {
    c.push(`<button id="${p}legendBtn" type="button" aria-haspopup="dialog" data-t-aria-label="legend.button" data-t-title="legend.button"><span class="long" data-t="legend.button"></span><span class="short" aria-hidden="true">i</span></button>`);
  }
  if (show.has('help')) c.push(`<button id="${p}helpBtn" type="button" aria-haspopup="dialog"${titled('help.title')} data-t-aria-label="help.title">?</button>`);
  const clock = show.has('clock')
    ? `<div class="clock" role="group" data-t-aria-label="clock.label"><span id="${p}clock">t = 0 ms</span><span id="${p}quorum" class="quorum"></span><span id="${p}rulesOff" class="rules-off" hidden></span></div>`
    : '';
  return `<div class="bar">${title ? '<h1></h1>' : ''}
  <div class="controls" role="toolbar" data-t-aria-label="controls.label">${c.join('\n')}</div>${clock}</div>`;
}

function debugPanel(p) {
  return `<section class="panel" id="${p}debugPanel" hidden>
  <h2 id="${p}dbgTitle" data-t="debug.title"></h2>
  <div class="row">
    <label><span data-t="debug.runToNext"></span> <select id="${p}runKind">${opts(RUN_KINDS)}</select></label>
    ${btn(p, 'runNext', 'debug.run', ' title="n"')}
  </div>
  <fieldset class="bps"><legend data-t="debug.breakOn"></legend>
    ${BREAKPOINTS.map(([v, key]) => `<label><input type="checkbox" data-bp="${v}"> <span data-t="${key}"></span></label>`).join('\n')}
  </fieldset>
  <div class="row bp-msg">
    <label><span data-t="debug.message"></span> <select id="${p}bpType">${MESSAGE_TYPES.map((t) => `<option value="${t}"${t === 'any' ? ' data-t="debug.anyType"' : ''}>${t === 'any' ? '' : t}</option>`).join('')}</select></label>
    <label><select id="${p}bpFrom" data-t-aria-label="debug.from"></select>→<select id="${p}bpTo" data-t-aria-label="debug.to"></select></label>
    ${btn(p, 'bpAdd', 'debug.break')}
  </div>
  <ul id="${p}bpList" class="bp-list"></ul>
  <p class="muted small" data-t="debug.violationNote"></p>
</section>`;
}

function nodePanel(p, show) {
  const buttons = show.has('faults') ? `<div class="row">
    ${btn(p, 'crash', 'node.crash', ' title="c"')}
    ${btn(p, 'restart', 'node.restart', ' title="r"')}
    ${btn(p, 'timeout', 'node.timeout', ' title="t"')}
    ${btn(p, 'transfer', 'node.transfer', titled('node.transferTitle'))}</div>` : '';
  const info = show.has('inspector') ? `<div id="${p}nodeInfo" class="info"><p class="muted" data-t="node.pick"></p></div>` : '';
  return `<section class="panel">
  <h2 id="${p}nodeTitle" data-t="node.title"></h2>${buttons}${info}</section>`;
}

function messagePanel(p, show) {
  const buttons = show.has('faults') ? `<div class="row">
    ${btn(p, 'drop', 'msg.drop', ' disabled')}
    ${btn(p, 'dup', 'msg.duplicate', ' disabled')}</div>` : '';
  const info = show.has('inspector') ? `<div id="${p}msgInfo" class="info"><p class="muted" data-t="msg.pick"></p></div>` : '';
  return `<section class="panel">
  <h2 id="${p}msgTitle" data-t="msg.title"></h2>${buttons}${info}
  <p class="muted small" data-t="msg.keys"></p></section>`;
}

const NETWORK = (p) => `<section class="panel">
  <h2 id="${p}netTitle" data-t="net.title"></h2>
  <div class="row">
    ${btn(p, 'isolate', 'net.isolate', ' title="p"')}
    ${btn(p, 'split', 'net.split')}
    ${btn(p, 'heal', 'net.heal', ' title="h"')}
  </div>
  <p id="${p}dragHint" class="muted small drag-hint" data-t="net.dragHint"></p>
  <div class="row">
    <label><span data-t="net.link"></span> <select id="${p}linkSel"></select></label>
    ${btn(p, 'linkCut', 'net.cut')}
    ${btn(p, 'linkRepair', 'net.repair')}
  </div>
  <p id="${p}netInfo" class="muted small"></p>
</section>`;

// "Break a rule" (lab-rules.js): a heading that opens a checkbox per safety
// rule, built from the engine's list; with the debugger and a scenario box,
// the search for a counterexample too.
const RULES = (p, show) => `<section class="panel">
  <h2 id="${p}rulesTitle"><button id="${p}rulesToggle" class="disclosure" type="button" aria-expanded="false" aria-controls="${p}rulesBody" data-t="rules.title"></button></h2>
  <div id="${p}rulesBody" hidden>
    <p class="muted small" data-t="rules.intro"></p>
    <ul id="${p}rulesList" class="rules" aria-labelledby="${p}rulesTitle"></ul>
    ${show.has('debug') && show.has('scenario') ? `<div class="row">
      ${btn(p, 'cxFind', 'cx.find', `${titled('cx.findTitle')} disabled`)}
      ${btn(p, 'cxCancel', 'cx.cancel', ' hidden')}
    </div>
    <progress id="${p}cxProgress" class="cx-progress" max="1" value="0" data-t-aria-label="cx.progressLabel" hidden></progress>
    <p id="${p}cxCount" class="muted small" hidden></p>
    <p id="${p}cxStatus" class="small" role="status"></p>` : ''}
  </div>
</section>`;

const MOMENT = (p) => `<section class="panel" id="${p}momentPanel" hidden>
  <h2 id="${p}momentTitle" data-t="moment.title"></h2>
  <div id="${p}moment" class="info"></div>
</section>`;

/** How a read is served (the scenario language's `read=` word). */
export const READ_MODES = ['log', 'index', 'lease', 'local'];

const CLIENT = (p) => `<section class="panel">
  <h2 id="${p}clientTitle" data-t="client.title"></h2>
  <form id="${p}clientForm" class="client">
    <label><span data-t="client.op"></span> <select id="${p}op"><option>put</option><option>get</option><option>del</option><option>list</option></select></label>
    <label><span data-t="client.key"></span> <input id="${p}key" value="x" size="6" required></label>
    <label><span data-t="client.value"></span> <input id="${p}value" value="1" size="6"></label>
    <label><span data-t="client.to"></span> <select id="${p}via"></select></label>
    <label><span data-t="client.read"></span> <select id="${p}read" data-t-title="client.readTitle">${READ_MODES.map((m) => `<option value="${m}" data-t="client.read.${m}"></option>`).join('')}</select></label>
    <button id="${p}submit" type="submit" data-t="client.send"></button>
  </form>
  <label class="small"><span data-t="client.load"></span> <select id="${p}load">
    <option value="0" data-t="client.loadOff"></option><option value="200" data-t="client.load200"></option>
    <option value="50" data-t="client.load50"></option><option value="10" data-t="client.load10"></option>
  </select></label>
  <ol id="${p}ops" class="ops" data-t-aria-label="client.ops"></ol>
</section>
<section class="panel">
  <h2 id="${p}kvTitle" data-t="kv.title"></h2>
  <table id="${p}kv" class="kv"></table>
</section>
<section class="panel">
  <details id="${p}historyPanel" class="history-panel">
    <summary><h2 id="${p}historyTitle" data-t="hist.title"></h2></summary>
    <p id="${p}historyVerdict" class="small" role="status"></p>
    <div id="${p}history" class="history" data-t-aria-label="hist.title"></div>
    <p id="${p}historyWhy" class="small"></p>
    <p class="muted small" data-t="hist.legend"></p>
  </details>
</section>`;

const SCENARIO = (p, library) => `<section class="panel">
  <h2 id="${p}scTitle" data-t="sc.title"></h2>
  ${library ? `<div class="row library">
    <label><span data-t="lib.label"></span> <select id="${p}library"></select></label>
    ${btn(p, 'libraryLoad', 'lib.load')}
  </div>
  <p id="${p}libraryInfo" class="muted small"></p>
  <p class="small"><a id="${p}libraryKube" href="kubernetes.html" data-t="lib.openKube" hidden></a></p>
  <nav class="small pages" data-t-aria-label="nav.label"><a href="lessons.html" data-t="nav.lessons"></a> · <a href="kubernetes.html" data-t="nav.kubernetes"></a></nav>` : ''}
  <textarea id="${p}scenario" rows="9" spellcheck="false" data-t-aria-label="sc.text"></textarea>
  <div class="row">
    ${btn(p, 'loadScenario', 'sc.load')}
    ${btn(p, 'openFile', 'sc.open', titled('sc.openTitle'))}
    <input id="${p}file" type="file" accept=".txt,text/plain" hidden>
    ${btn(p, 'saveText', 'sc.save', titled('sc.saveTitle'))}
    ${btn(p, 'saveRun', 'sc.saveRun', `${titled('sc.saveRunTitle')} hidden`)}
    ${btn(p, 'recordRun', 'sc.record', `${titled('sc.recordTitle')} hidden`)}
  </div>
  <p id="${p}scenarioError" class="error" role="alert"></p>
  <p id="${p}scenarioStatus" class="muted small"></p>
</section>`;

const SHARE = (p) => `<section class="panel">
  <h2 id="${p}shareTitle" data-t="share.title"></h2>
  <div class="row">
    ${btn(p, 'copyLink', 'share.copy', `${titled('share.copyTitle')} hidden`)}
    ${btn(p, 'png', 'share.png', titled('share.pngTitle'))}
    ${btn(p, 'trace', 'share.trace', `${titled('share.traceTitle')} hidden`)}
  </div>
  <input id="${p}link" class="link" readonly data-t-aria-label="share.link" hidden>
</section>`;

export const KEYS = [['Space', 'keys.play'], ['s / b', 'keys.step'], ['n', 'keys.next'], ['+ / −', 'keys.speed'],
  ['1 – 9', 'keys.select'], ['c / r / t', 'keys.node'], ['p', 'keys.isolate'], ['h', 'keys.heal'],
  [{ key: 'keys.gDigit' }, 'keys.group'], [{ key: 'keys.gZero' }, 'keys.alone'], ['w', 'keys.put'], ['m / M', 'keys.message'],
  ['Delete', 'keys.drop'], ['l / L', 'keys.link'], ['Enter', 'keys.cut'], ['← / →', 'keys.timeline'], ['+ / −', 'keys.zoom'],
  ['?', 'keys.help'], ['Esc', 'keys.escape']];

const HELP = (p, tour) => `<dialog id="${p}help" aria-labelledby="${p}helpTitle">
  <h2 id="${p}helpTitle" data-tm="help.heading"></h2>
  <dl class="keys">${KEYS.map(([k, key]) => `<dt${k.key ? ` data-tm="${k.key}">` : `>${k}`}</dt><dd data-tm="${key}"></dd>`).join('')}</dl>
  <p class="small" data-tm="help.mouse"></p>
  <form method="dialog" class="row">${tour ? `<button id="${p}tourAgain" data-t="tour.again"></button>` : ''}<button data-t="close"></button></form>
</dialog>`;

const LEGEND = (p) => `<dialog id="${p}legend" class="legend" aria-labelledby="${p}legendTitle">
  <h2 id="${p}legendTitle" tabindex="-1" data-t="legend.title"></h2>
  <div id="${p}legendList"></div>
  <form method="dialog"><button data-t="close"></button></form>
</dialog>`;

const TOUR = (p) => `<dialog id="${p}tour" class="tour" aria-labelledby="${p}tourTitle" aria-describedby="${p}tourText">
  <p class="muted small" id="${p}tourStep"></p>
  <h2 id="${p}tourTitle"></h2>
  <p id="${p}tourText"></p>
  <div class="row">
    ${btn(p, 'tourBack', 'tour.back')}
    ${btn(p, 'tourNext', 'tour.next')}
    ${btn(p, 'tourSkip', 'tour.skip')}
  </div>
</dialog>`;

export function template(p, show, { title, library, tour } = {}) {
  const side = [];
  if (show.has('debug')) side.push(debugPanel(p));
  if (show.has('inspector') || show.has('faults')) side.push(nodePanel(p, show));
  if (show.has('inspector')) side.push(MOMENT(p));
  if (show.has('faults')) side.push(NETWORK(p));
  if (show.has('rules')) side.push(RULES(p, show));
  if (show.has('inspector') || show.has('faults')) side.push(messagePanel(p, show));
  if (show.has('client')) side.push(CLIENT(p));
  if (show.has('scenario')) side.push(SCENARIO(p, library));
  if (show.has('share')) side.push(SHARE(p));
  const ariaCanvas = show.has('faults') ? 'canvas.faults' : 'canvas.plain';
  return `${header(p, show, title)}
<div id="${p}fatal" class="banner fatal" role="alert" hidden>
  <span id="${p}fatalText"></span>
  ${btn(p, 'fatalReset', 'reset')}
</div>
<div id="${p}startError" class="banner is-error start-error" role="alert" hidden>
  <span id="${p}startErrorText"></span> <button id="${p}startErrorClose" type="button" data-t-aria-label="dismiss">✕</button>
</div>
<div id="${p}status" class="banner status" role="status" hidden></div>
<div class="rl-main${side.length ? '' : ' no-side'}">
  <div class="stage">
    <div id="${p}caption" class="caption" hidden></div>
    <div id="${p}stop" class="stop" role="alert" hidden><span id="${p}stopText"></span> <button id="${p}stopClose" type="button" data-t-aria-label="dismiss">✕</button></div>
    <div id="${p}clusterWrap" class="canvas-wrap cluster">
      <canvas id="${p}cluster" tabindex="0" data-t-aria-label="${ariaCanvas}" aria-describedby="${p}summary"></canvas>
      <div id="${p}dragGhost" class="drag-ghost" aria-hidden="true" hidden><span class="node"></span><span class="hint"></span></div>
    </div>
    <p id="${p}summary" class="sr-only"></p>
    ${show.has('timeline') ? `<div id="${p}timelineWrap" class="timeline" hidden><canvas id="${p}timeline" tabindex="0" role="slider" data-t-aria-label="timeline.label"></canvas></div>` : ''}
    ${show.has('log') ? `<div id="${p}logWrap" class="canvas-wrap logs"><canvas id="${p}logs" tabindex="0" data-t-aria-label="log.label" aria-describedby="${p}logSummary"></canvas></div><p id="${p}logSummary" class="sr-only"></p>` : ''}
    ${show.has('feed') ? `<section class="panel feed-panel"><h2 id="${p}feedTitle" data-t="feed.title"></h2><ol id="${p}feed" class="feed" tabindex="0" aria-labelledby="${p}feedTitle"></ol></section>` : ''}
    <div id="${p}announce" class="sr-only" aria-live="polite"></div>
  </div>
  ${side.length ? `<div class="side">${side.join('\n')}</div>` : ''}
</div>
${show.has('help') ? HELP(p, tour) : ''}${LEGEND(p)}${tour ? TOUR(p) : ''}`;
}

export { DEFAULT_SCENARIO };
