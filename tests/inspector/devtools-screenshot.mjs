#!/usr/bin/env node
// Proof that the real Chrome DevTools frontend debugs qjs, and the picture
// of it for the README: headless Chromium opens DevTools (js_app.html) on
// `qjs --inspect-brk scripts/devtools-demo.js`, a breakpoint is set in the
// frontend, the script runs to it, and the Sources panel paused there (the
// line, the Scope pane, the Call Stack) is saved as a PNG.
//
//   node devtools-screenshot.mjs [out.png]
//
// out.png defaults to docs/images/devtools-paused.png. Environment:
//   CHROMIUM       the browser (default /usr/bin/chromium)
//   QJS            the qjs binary (default target/debug/qjs)
//   DEVTOOLS_TRACE a file for the frontend<->qjs CDP traffic and the
//                  frontend's console (JSON lines); written on failure to
//                  $TMPDIR/devtools-screenshot.trace.jsonl when unset
//   DEVTOOLS_STRICT=1  warnings fail too: protocol errors outside the
//                  Debugger and Runtime domains, previews off the
//                  protocol's types, the frontend's console errors, qjs
//                  not running to its end once DevTools is closed
//   DEVTOOLS_APP   the frontend page (default js_app.html; also
//                  inspector.html, devtools_app.html)
//   DEVTOOLS_EXPAND the Scope pane's variables to open, in order
//                  (default basket,items,[[Entries]])
//   DEVTOOLS_EVAL  an expression to evaluate in the frontend before the
//                  picture, printed (for looking into its DOM; __qjs holds
//                  the helpers)
//   DEVTOOLS_ZOOM  x,y,width,height: also a 2x crop, <out>.zoom.png
//
// Exits non-zero unless the frontend is really paused at the breakpoint in
// `checkout` with its call stack and scopes shown, when qjs answers a
// Debugger or Runtime request with an error, or when the frontend throws.

import CDP from 'chrome-remote-interface';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = resolve(process.argv[2] ?? join(root, 'docs/images/devtools-paused.png'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const QJS = process.env.QJS || join(root, 'target/debug/qjs');
const APP = process.env.DEVTOOLS_APP || 'js_app.html';
const DEMO = join(here, 'scripts/devtools-demo.js');
// The breakpoint: `total += line;` in checkout (0-based line), and which
// of its hits to show (the second: total and the loop's locals are set).
const BREAK_LINE = 16;
const BREAK_HIT = 2;
// The picture: its size, the debugger sidebar's and the navigator's
// widths, and the Scope pane's variables opened.
const SIDEBAR = 440;
const NAVIGATOR = 200;
const EXPAND = (process.env.DEVTOOLS_EXPAND ?? 'basket,items,[[Entries]]').split(',').filter(Boolean);
const WIDTH = 1400;
const HEIGHT = 900;

const started = Date.now();
const log = (...a) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const children = [];
let profileDir;
let traceFile = process.env.DEVTOOLS_TRACE || null;
const trace = []; // {dir, t, data} of the frontend's WebSocket, its console, ...

function cleanup() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        // Chromium runs in its own process group (its zygote, renderers).
        process.kill(c.detachedGroup ? -c.pid : c.pid, 'SIGKILL');
      } catch {}
    }
  }
  try {
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  } catch {}
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** Spawns `cmd` and resolves with the first match of `re` in its stderr. */
function startAndMatch(cmd, args, re, what, { detached = false, timeout = 20000 } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
    child.detachedGroup = detached;
    children.push(child);
    let err = '';
    const timer = setTimeout(() => rej(new Error(`${what}: no "${re}" within ${timeout} ms; stderr:\n${err}`)), timeout);
    child.on('error', (e) => { clearTimeout(timer); rej(new Error(`${what}: ${e.message}`)); });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited (${code ?? sig}); stderr:\n${err}`));
    });
    child.stdout.on('data', (d) => { child.stdoutText = (child.stdoutText || '') + d; });
    child.stderr.on('data', (d) => {
      err += d;
      const m = err.match(re);
      if (m) { clearTimeout(timer); res({ child, match: m }); }
    });
  });
}

async function waitFor(what, fn, timeout = 20000, every = 100) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

function record(dir, data) {
  const entry = { t: Date.now() - started, dir, data };
  trace.push(entry);
  if (traceFile) appendFileSync(traceFile, JSON.stringify(entry) + '\n');
}

// Runs in the DevTools page: everything the checks and the driving need,
// through the frontend's own modules (the same instances its UI uses).
const FRONTEND_HELPERS = String.raw`
globalThis.__qjs = (() => {
  const base = 'devtools://devtools/bundled/';
  const mods = {};
  async function m(name, path) {
    return mods[name] ??= await import(base + path);
  }
  async function debuggerModel() {
    const SDK = await m('SDK', 'core/sdk/sdk.js');
    return SDK.TargetManager.TargetManager.instance().models(SDK.DebuggerModel.DebuggerModel)[0] ?? null;
  }
  // The text of the page, through every shadow root.
  function deepText(node = document) {
    let s = '';
    const walk = (n) => {
      if (n.nodeType === Node.TEXT_NODE) { s += n.data + '\n'; return; }
      if (n.shadowRoot) walk(n.shadowRoot);
      for (const c of n.childNodes) walk(c);
    };
    walk(node);
    return s;
  }
  function deepQueryAll(selector, node = document) {
    const found = [];
    const walk = (r) => {
      found.push(...r.querySelectorAll(selector));
      for (const e of r.querySelectorAll('*')) if (e.shadowRoot) walk(e.shadowRoot);
    };
    walk(node);
    return found;
  }
  async function state() {
    const dm = await debuggerModel();
    const d = dm?.debuggerPausedDetails();
    return {
      connected: !!dm,
      enabled: dm?.debuggerEnabled() ?? false,
      paused: dm?.isPaused() ?? false,
      reason: d?.reason ?? null,
      frames: d ? d.callFrames.map((f) => ({ name: f.functionName, line: f.location().lineNumber, url: f.script?.sourceURL })) : [],
      scripts: dm ? dm.scripts().map((s) => s.sourceURL) : [],
    };
  }
  async function setBreakpoint(suffix, line) {
    const Workspace = await m('Workspace', 'models/workspace/workspace.js');
    const Breakpoints = await m('Breakpoints', 'models/breakpoints/breakpoints.js');
    const ui = Workspace.Workspace.WorkspaceImpl.instance().uiSourceCodes().find((u) => u.url().endsWith(suffix));
    if (!ui) return 'no UISourceCode ending in ' + suffix;
    const bp = await Breakpoints.BreakpointManager.BreakpointManager.instance()
      .setBreakpoint(ui, line, undefined, '', true);
    return bp ? 'ok' : 'setBreakpoint returned nothing';
  }
  async function resume() {
    const dm = await debuggerModel();
    dm.resume();
    return 'ok';
  }
  // What the picture must show, read from the DOM.
  function ui() {
    const text = deepText();
    const panel = deepQueryAll('.tabbed-pane-header-tab.selected').map((e) => e.textContent.trim());
    const execLine = deepQueryAll('.cm-executionLine');
    const callFrames = deepQueryAll('.call-frame-item').map((e) => e.textContent.trim());
    const scopes = deepQueryAll('.scope-chain-sidebar-pane-section-title, .scope-chain-sidebar-pane-section-header')
      .map((e) => e.textContent.trim());
    // A tree's children are the sibling of its title, in shadow roots:
    // the names under the tree outline that holds the scope sections.
    const trees = new Set(deepQueryAll('.scope-chain-sidebar-pane-section').map((e) => e.closest('ol.tree-outline')));
    const vars = [...trees].flatMap((t) => deepQueryAll('span.name', t)).map((e) => e.textContent.trim());
    return {
      pausedMessage: deepQueryAll('.paused-status .status-main').map((e) => e.textContent.trim())[0] ?? null,
      pausedText: /Paused on breakpoint|Debugger paused/.test(text),
      selectedTabs: panel,
      executionLines: execLine.map((e) => e.textContent),
      callFrames,
      scopes,
      vars,
      errors: deepQueryAll('.console-error-level .console-message-text').map((e) => e.textContent),
    };
  }
  // Room for the values: a wider debugger sidebar, a narrower navigator.
  async function layout(sidebar, navigator) {
    const Sources = await m('Sources', 'panels/sources/sources.js');
    const panel = Sources.SourcesPanel.SourcesPanel.instance();
    panel.splitWidget.setSidebarSize(sidebar);
    panel.editorView.setSidebarSize(navigator);
    return 'ok';
  }
  // Opens a variable of the Scope pane (its tree element, as a click on
  // its arrow does): true once open, null while it is not shown.
  async function expandScope(name) {
    const UI = await m('UI', 'ui/legacy/legacy.js');
    const trees = new Set(deepQueryAll('.scope-chain-sidebar-pane-section').map((e) => e.closest('ol.tree-outline')));
    const span = [...trees].flatMap((t) => deepQueryAll('span.name', t)).find((e) => e.textContent.trim() === name);
    let li = span;
    while (li && li.tagName !== 'LI') li = li.parentElement ?? li.getRootNode().host;
    const te = li && UI.TreeOutline.TreeElement.getTreeElementBylistItemNode(li);
    if (!te) return null;
    if (!te.expanded) te.expand();
    return te.expanded && te.childCount() > 0;
  }
  // No focus ring in the picture, and no pane left scrolled sideways
  // (selecting a tree item scrolls it into view, cutting the indentation).
  function blur() {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    a?.blur();
    for (const e of deepQueryAll('*')) if (e.scrollLeft > 0) e.scrollLeft = 0;
    // and the whole script in view (it fits), from its first line
    for (const e of deepQueryAll('.cm-scroller')) e.scrollTop = 0;
    return 'ok';
  }
  return { state, setBreakpoint, resume, ui, deepText, layout, expandScope, blur };
})();
'ok'
`;

async function main() {
  mkdirSync(dirname(out), { recursive: true });
  if (traceFile) writeFileSync(traceFile, ''); // else kept in memory, written on failure
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`);
  if (!existsSync(QJS)) throw new Error(`no qjs at ${QJS} (cargo build, or set QJS)`);

  // 1. qjs, waiting for a debugger (port 0: any free port).
  const { child: qjs, match: qm } = await startAndMatch(
    QJS, ['--inspect-brk=127.0.0.1:0', DEMO], /Debugger listening on ws:\/\/(\S+)/, 'qjs');
  const qjsWs = qm[1];
  log(`qjs waits on ws://${qjsWs}`);

  // 2. Chromium, headless.
  profileDir = mkdtempSync(join(tmpdir(), 'qjs-devtools-'));
  const { match: cm } = await startAndMatch(CHROMIUM, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--hide-scrollbars', '--force-device-scale-factor=1',
    `--user-data-dir=${profileDir}`, '--remote-debugging-port=0', `--window-size=${WIDTH},${HEIGHT}`,
    'about:blank',
  ], /DevTools listening on (ws:\/\/\S+)/, 'chromium', { detached: true, timeout: 60000 });
  log(`chromium at ${cm[1]}`);

  const browser = await CDP({ target: cm[1], local: true });
  // Every new page waits for us, so nothing of its start is missed.
  await browser.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
  const attached = new Map(); // targetId -> sessionId
  browser.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => attached.set(targetInfo.targetId, sessionId));

  // 3. DevTools itself, in a new target (navigating to devtools:// is refused).
  const frontendUrl = `devtools://devtools/bundled/${APP}?ws=${qjsWs}`;
  const { targetId } = await browser.send('Target.createTarget', { url: frontendUrl });
  const sessionId = await waitFor('DevTools target attached', () => attached.get(targetId), 10000, 20);
  log(`DevTools target ${targetId} (${frontendUrl})`);
  const page = (method, params = {}) => browser.send(method, params, sessionId);

  // The frontend's console and exceptions, and its WebSocket to qjs.
  const sent = new Map(); // request id -> method, params
  const answered = new Set(); // request ids qjs replied to
  const protocolErrors = [];
  const frontendErrors = [];
  const fromQjs = []; // parsed messages qjs sent
  browser.on('event', ({ method, params, sessionId: sid }) => {
    if (sid !== sessionId) return;
    switch (method) {
      case 'Runtime.consoleAPICalled': {
        const text = params.args.map((a) => a.value ?? a.description ?? a.type).join(' ');
        record('console', { type: params.type, text });
        if (params.type === 'error' || params.type === 'assert') frontendErrors.push(`console.${params.type}: ${text}`);
        break;
      }
      case 'Runtime.exceptionThrown': {
        const d = params.exceptionDetails;
        const text = d.exception?.description ?? d.text;
        record('exception', { text, url: d.url, line: d.lineNumber });
        frontendErrors.push(`exception: ${text}`);
        break;
      }
      case 'Log.entryAdded':
        record('log', params.entry);
        if (params.entry.level === 'error') frontendErrors.push(`log: ${params.entry.text} ${params.entry.url ?? ''}`);
        break;
      case 'Network.webSocketCreated':
        record('ws-created', params.url);
        break;
      case 'Network.webSocketClosed':
        record('ws-closed', params);
        break;
      case 'Network.webSocketFrameSent': {
        record('sent', params.response.payloadData);
        try {
          const m = JSON.parse(params.response.payloadData);
          if (m.id !== undefined) sent.set(m.id, { method: m.method, params: m.params });
        } catch {}
        break;
      }
      case 'Network.webSocketFrameReceived': {
        record('received', params.response.payloadData);
        try {
          const m = JSON.parse(params.response.payloadData);
          fromQjs.push(m);
          if (m.id !== undefined) answered.add(m.id);
          if (m.error) protocolErrors.push({ ...sent.get(m.id), error: m.error });
        } catch {}
        break;
      }
      case 'Network.webSocketFrameError':
        record('ws-error', params);
        break;
    }
  });
  await page('Runtime.enable');
  await page('Log.enable');
  await page('Network.enable');
  await page('Page.enable');
  await page('Emulation.setDeviceMetricsOverride', { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1, mobile: false });
  await page('Runtime.runIfWaitingForDebugger');

  const evaluate = async (expression) => {
    const r = await page('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value;
  };
  const pausedEvents = () => fromQjs.filter((m) => m.method === 'Debugger.paused');
  // The frontend is idle: every request answered, none for a while (so a
  // resume does not race its reading of the pause's scopes).
  const settle = async () => {
    let quietSince = Date.now();
    let lastSent = sent.size;
    await waitFor('the frontend to settle', () => {
      if (sent.size !== lastSent || [...sent.keys()].some((id) => !answered.has(id))) {
        lastSent = sent.size;
        quietSince = Date.now();
      }
      return Date.now() - quietSince >= 300;
    }, 10000, 50);
  };

  // 4. The frontend loads, connects, enables the debugger and says go:
  // qjs pauses at its first statement.
  await waitFor('the DevTools frontend to load', () => evaluate(`document.readyState === 'complete' && !!document.body`), 30000);
  await waitFor('DevTools helpers', () => evaluate(FRONTEND_HELPERS), 30000);
  await waitFor('qjs to pause at the first statement (Debugger.paused)', () => pausedEvents().length >= 1, 30000);
  let st = await waitFor('the frontend to show the pause', async () => {
    const s = await evaluate('__qjs.state()');
    return s.paused && s.scripts.some((u) => u?.endsWith('/devtools-demo.js')) && s;
  }, 20000);
  log(`paused at start: ${JSON.stringify(st.frames)}`);

  // 5. The breakpoint, as a user sets it (the frontend's BreakpointManager,
  // so the gutter shows it), then run to its BREAK_HIT-th hit.
  const bp = await waitFor('the breakpoint', async () => {
    const r = await evaluate(`__qjs.setBreakpoint('/devtools-demo.js', ${BREAK_LINE})`);
    if (r !== 'ok') throw new Error(r);
    return r;
  }, 10000, 250);
  await waitFor('Debugger.setBreakpointByUrl to be answered', () =>
    [...sent.entries()].some(([id, s]) => s.method === 'Debugger.setBreakpointByUrl' && fromQjs.some((m) => m.id === id)), 10000);
  log(`breakpoint set at line ${BREAK_LINE + 1}: ${bp}`);
  for (let hit = 1; hit <= BREAK_HIT; hit++) {
    await settle();
    const before = pausedEvents().length;
    await evaluate('__qjs.resume()');
    await waitFor(`pause ${hit} at the breakpoint`, () => pausedEvents().length > before, 20000);
  }
  const last = pausedEvents().at(-1).params;
  log(`qjs paused: reason ${last.reason}, hitBreakpoints ${JSON.stringify(last.hitBreakpoints)}, top ${last.callFrames[0]?.functionName}:${last.callFrames[0]?.location.lineNumber}`);

  // 6. The UI settles: the Sources panel at the line, scopes and stack filled.
  st = await waitFor('the frontend paused in checkout', async () => {
    const s = await evaluate('__qjs.state()');
    return s.paused && s.frames[0]?.name === 'checkout' && s.frames[0]?.line === BREAK_LINE && s;
  }, 20000);
  // (on a timeout, the picture and the checks below tell what is missing)
  await waitFor('Sources to show the pause, the scopes and the call stack', async () => {
    const u = await evaluate('__qjs.ui()');
    return u.pausedMessage && u.callFrames.some((f) => f.includes('checkout')) &&
      u.vars.includes('total') && u.vars.includes('withTax') && u.executionLines.length > 0 && u;
  }, 20000, 250).catch((e) => log(e.message));
  // Wider values, and the basket opened down to its Map's entries.
  await evaluate(`__qjs.layout(${SIDEBAR}, ${NAVIGATOR})`);
  for (const name of EXPAND) {
    await waitFor(`${name} open in the Scope pane`, () => evaluate(`__qjs.expandScope(${JSON.stringify(name)})`), 5000)
      .catch((e) => log(e.message));
  }
  await evaluate('__qjs.blur()');
  await sleep(500); // the last paint (the highlight's fade-in, icons)
  const ui = await evaluate('__qjs.ui()');
  log(`DevTools: ${JSON.stringify(ui)}`);
  if (process.env.DEVTOOLS_EVAL) log(`DEVTOOLS_EVAL: ${JSON.stringify(await evaluate(process.env.DEVTOOLS_EVAL))}`);

  // 7. The picture.
  const shot = await page('Page.captureScreenshot', { format: 'png', captureBeyondViewport: false });
  writeFileSync(out, Buffer.from(shot.data, 'base64'));
  if (process.env.DEVTOOLS_ZOOM) { // x,y,width,height: a 2x crop beside the picture
    const [x, y, width, height] = process.env.DEVTOOLS_ZOOM.split(',').map(Number);
    const z = await page('Page.captureScreenshot', { format: 'png', clip: { x, y, width, height, scale: 2 } });
    writeFileSync(out.replace(/\.png$/, '') + '.zoom.png', Buffer.from(z.data, 'base64'));
  }
  log(`screenshot: ${out}`);

  // 8. Checks: what the picture must show ...
  const problems = [];
  const warnings = [];
  if (!st.paused) problems.push('the frontend is not paused');
  if (st.frames[0]?.name !== 'checkout') problems.push(`top frame is ${st.frames[0]?.name}, not checkout`);
  if (!/Paused on breakpoint/.test(ui.pausedMessage ?? '')) problems.push(`paused message: ${ui.pausedMessage}`);
  if (!ui.callFrames.some((f) => f.includes('checkout'))) problems.push(`call stack: ${ui.callFrames}`);
  for (const v of ['total', 'line', 'name', 'withTax', 'basket', 'taxPercent']) {
    if (!ui.vars.includes(v)) problems.push(`Scope pane lacks ${v}`);
  }
  if (!ui.selectedTabs.includes('Sources')) problems.push(`Sources not shown: tabs ${ui.selectedTabs}`);
  if (ui.executionLines.join('').trim() !== 'total += line;') problems.push(`highlighted line: ${ui.executionLines}`);
  // ... what qjs told the frontend: errors for the debugger's own domains
  // fail, the rest (Network.* of js_app's Network panel) are warnings ...
  for (const e of protocolErrors) {
    const text = `qjs answered ${e.method} ${JSON.stringify(e.params ?? {})} with ${JSON.stringify(e.error)}`;
    (/^(Debugger|Runtime)\./.test(e.method ?? '') ? problems : warnings).push(text);
  }
  warnings.push(...previewProblems(fromQjs, (id) => sent.get(id)?.method));
  // ... and the frontend's own errors.
  for (const e of frontendErrors) {
    if (e.startsWith('exception:')) problems.push(`DevTools: ${e}`);
    else if (!/^console\.error: Request \S+ failed\./.test(e)) warnings.push(`DevTools: ${e}`);
  }

  // 9. DevTools goes away: qjs must run on to its end without it.
  await browser.send('Target.closeTarget', { targetId });
  const qjsExit = await waitFor('qjs to finish once DevTools closed', () =>
    (qjs.exitCode !== null || qjs.signalCode !== null) && { code: qjs.exitCode, signal: qjs.signalCode }, 5000)
    .catch((e) => ({ error: e.message }));
  if (qjsExit.code !== 0 || !/Ada pays 25\.02/.test(qjs.stdoutText ?? '')) {
    warnings.push(`qjs after DevTools closed: ${JSON.stringify(qjsExit)}, stdout ${JSON.stringify(qjs.stdoutText ?? '')}`);
  }
  await browser.close();

  log(`${trace.filter((e) => e.dir === 'sent').length} messages from DevTools, ${fromQjs.length} from qjs`);
  for (const w of warnings) console.log(`warning: ${w}`);
  if (process.env.DEVTOOLS_STRICT === '1') problems.push(...warnings);
  if (problems.length) throw new Error(problems.join('\n'));
  log(`ok: DevTools paused at the breakpoint in checkout${warnings.length ? ` (${warnings.length} warnings)` : ''}`);
}

/** Runtime.ObjectPreview values that do not match the protocol's types. */
function previewProblems(messages, methodOf) {
  const found = new Set();
  const isObjectPreview = (p) => p && typeof p.type === 'string' && typeof p.overflow === 'boolean' && Array.isArray(p.properties);
  const check = (p, where) => {
    if (!isObjectPreview(p)) found.add(`${where}: not a Runtime.ObjectPreview (type, overflow, properties): ${JSON.stringify(p)}`);
    for (const e of p?.entries ?? []) {
      // EntryPreview: key and value are ObjectPreviews, shown by their description.
      for (const k of ['key', 'value']) {
        if (k === 'key' && !e.key) continue;
        if (!isObjectPreview(e[k]) || e[k].description === undefined) {
          found.add(`${where}.entries[].${k} must be a Runtime.ObjectPreview with a description ` +
            `(DevTools shows the description: '' otherwise), got ${JSON.stringify(e[k])}`);
        }
      }
    }
  };
  const walk = (v, method) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, method));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'preview') check(x, `${method} preview`);
        else walk(x, method);
      }
    }
  };
  for (const m of messages) walk(m.params ?? m.result, m.method ?? `${methodOf(m.id)} reply`);
  return [...found];
}

main().then(() => process.exit(0), (e) => {
  console.error(`FAIL: ${e.stack ?? e}`);
  const file = traceFile ?? join(tmpdir(), 'devtools-screenshot.trace.jsonl');
  if (!traceFile) {
    try {
      writeFileSync(file, trace.map((x) => JSON.stringify(x)).join('\n') + '\n');
    } catch {}
  }
  console.error(`trace: ${file}`);
  process.exit(1);
});
