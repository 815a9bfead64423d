// The Chrome DevTools Protocol of `qjs --inspect-brk`, driven by a real CDP
// client (chrome-remote-interface): one test per method or feature, each
// checking the values a V8 inspector (Node, Chrome) would send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import CDP from 'chrome-remote-interface';
import {
  attach,
  connect,
  delay,
  evalOn,
  lineOf,
  paused,
  props,
  scriptPath,
  scriptUrl,
  startQjs,
  topLine,
  withTimeout,
  TIMEOUT,
} from './helpers.mjs';

const T = { timeout: 10_000 };
const source = (name) => fs.readFileSync(scriptPath(name), 'utf8');
/** 0-based line of `marker` in scripts/`name`. */
const L = (name, marker) => lineOf(source(name), marker);

/** Waits for console.log(first, ...) and returns the event. */
const logged = (events, first, timeout) =>
  events.next('Runtime.consoleAPICalled', (p) => p.args[0] && p.args[0].value === first, timeout);

/** A protocol error's { code, message, data } (the call must fail). */
async function protocolError(promise) {
  try {
    const r = await promise;
    assert.fail(`expected a protocol error, got result ${JSON.stringify(r)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e.response, `not a protocol error: ${e.stack}`);
    return e.response;
  }
}

/** Sets a breakpoint by URL at `marker` of scripts/`name`. */
async function breakAt(client, name, marker, extra = {}) {
  const lineNumber = L(name, marker);
  const r = await client.send('Debugger.setBreakpointByUrl', { url: scriptUrl(name), lineNumber, ...extra });
  return { ...r, lineNumber };
}

// ---------------------------------------------------------------- discovery

test('discovery: /json/list and /json/version describe the target', T, async (t) => {
  const proc = await startQjs(t, 'basic.js');
  const base = `http://${proc.host}:${proc.port}`;
  const list = await (await fetch(`${base}/json/list`)).json();
  assert.equal(list.length, 1);
  assert.equal(list[0].webSocketDebuggerUrl, proc.wsUrl);
  assert.equal(list[0].type, 'node');
  assert.ok(list[0].id && proc.wsUrl.endsWith('/' + list[0].id));
  const version = await (await fetch(`${base}/json/version`)).json();
  assert.equal(typeof version.Browser, 'string');
  assert.equal(typeof version['Protocol-Version'], 'string');
  // The client library's own discovery helpers read the same endpoints.
  const viaLib = await CDP.List({ host: proc.host, port: proc.port });
  assert.equal(viaLib[0].webSocketDebuggerUrl, proc.wsUrl);
});

test('discovery: CDP({host, port}) with default options (fetches /json/protocol, as Node serves)', T, async (t) => {
  const proc = await startQjs(t, 'basic.js');
  const res = await fetch(`http://${proc.host}:${proc.port}/json/protocol`);
  assert.equal(res.status, 200, 'Node answers GET /json/protocol with the protocol description');
  const client = await withTimeout(CDP({ host: proc.host, port: proc.port }), TIMEOUT, 'CDP connect');
  t.after(() => client.close());
  assert.deepEqual(await client.send('Runtime.evaluate', { expression: '1 + 1' }), {
    result: { type: 'number', value: 2, description: '2' },
  });
});

test('connecting with target = the ws:// URL from stderr', T, async (t) => {
  const proc = await startQjs(t, 'basic.js');
  const client = await withTimeout(CDP({ target: proc.wsUrl, local: true }), TIMEOUT, 'CDP connect');
  t.after(() => client.close());
  const r = await client.send('Runtime.evaluate', { expression: '"q" + "js"' });
  assert.deepEqual(r.result, { type: 'string', value: 'qjs' });
});

// ---------------------------------------------------------------- Runtime basics

test('Runtime.enable: executionContextCreated, and evaluate in that context', T, async (t) => {
  const { client, events } = await connect(t, 'basic.js');
  await client.send('Runtime.enable');
  const { context } = await events.next('Runtime.executionContextCreated');
  assert.equal(typeof context.id, 'number');
  assert.equal(context.name, 'main');
  assert.equal(context.auxData.isDefault, true);
  const r = await client.send('Runtime.evaluate', { expression: '40 + 2', contextId: context.id });
  assert.equal(r.result.value, 42);
});

test('Runtime.evaluate with an unknown contextId is an error', T, async (t) => {
  const { client } = await connect(t, 'basic.js');
  const err = await protocolError(client.send('Runtime.evaluate', { expression: '1', contextId: 9999 }));
  assert.equal(err.code, -32000);
  assert.equal(err.message, 'Cannot find context with specified id');
});

test('Runtime.runIfWaitingForDebugger: nothing runs before it, then a pause at the first statement', T, async (t) => {
  const { client, events, proc } = await connect(t, 'basic.js');
  await client.send('Runtime.enable');
  await client.send('Debugger.enable');
  await delay(300);
  assert.equal(events.all('Debugger.paused').length, 0, 'no pause before runIfWaitingForDebugger');
  assert.equal(events.all('Runtime.consoleAPICalled').length, 0);
  assert.equal(proc.stdout, '');
  await client.send('Runtime.runIfWaitingForDebugger');
  const parsed = await events.next('Debugger.scriptParsed', (p) => p.url === scriptUrl('basic.js'));
  const p = await paused(events);
  assert.equal(p.callFrames[0].location.scriptId, parsed.scriptId);
  assert.equal(p.callFrames[0].url, scriptUrl('basic.js'));
  assert.equal(p.callFrames.length, 1, 'paused at top level');
  // At its first statement (the functions above are declarations).
  assert.equal(topLine(p), L('basic.js', 'const calculator'));
  assert.equal(proc.stdout, '');
  // Nothing of the script ran yet: `total` is still in its temporal dead zone.
  const r = await evalOn(client, p.callFrames[0], 'total');
  assert.equal(r.exceptionDetails?.exception?.className, 'ReferenceError', JSON.stringify(r));
  await client.send('Debugger.resume');
  await logged(events, 'basic done');
});

test("the --inspect-brk pause has reason 'Break on start' (as Node's)", T, async (t) => {
  const { first } = await attach(t, 'basic.js', { stayAtStart: true });
  assert.equal(first.callFrames[0].url, scriptUrl('basic.js'));
  assert.equal(first.reason, 'Break on start', 'node inspect and NODE_INSPECT_RESUME_ON_START look for this reason');
});

test('Runtime.evaluate: values, returnByValue, thrown errors', T, async (t) => {
  const { client } = await attach(t, 'basic.js', { stayAtStart: true });
  assert.deepEqual((await client.send('Runtime.evaluate', { expression: '6 * 7' })).result, {
    type: 'number', value: 42, description: '42',
  });
  assert.deepEqual((await client.send('Runtime.evaluate', { expression: 'undefined' })).result, { type: 'undefined' });
  const byValue = await client.send('Runtime.evaluate', { expression: '({ x: 1, y: [2, "3"] })', returnByValue: true });
  assert.deepEqual(byValue.result.value, { x: 1, y: [2, '3'] });
  const obj = await client.send('Runtime.evaluate', { expression: '({ x: 1 })' });
  assert.equal(obj.result.type, 'object');
  assert.equal(typeof obj.result.objectId, 'string');
  const thrown = await client.send('Runtime.evaluate', { expression: 'throw new RangeError("e-one")' });
  assert.ok(thrown.exceptionDetails, 'exceptionDetails for a throw');
  assert.equal(thrown.exceptionDetails.exception.className, 'RangeError');
  assert.match(thrown.exceptionDetails.exception.description, /RangeError: e-one/);
  const syntax = await client.send('Runtime.evaluate', { expression: 'let = = 1' });
  assert.equal(syntax.exceptionDetails.exception.className, 'SyntaxError');
});

// ---------------------------------------------------------------- scripts

test('Debugger.enable: scriptParsed with the file:// url and a scriptId (replayed on re-enable)', T, async (t) => {
  const { client, events, script } = await attach(t, 'basic.js', { stayAtStart: true });
  const text = source('basic.js');
  assert.equal(script.url, scriptUrl('basic.js'));
  assert.match(script.url, /^file:\/\/\//);
  assert.equal(typeof script.scriptId, 'string');
  assert.ok(script.scriptId.length > 0);
  assert.equal(script.startLine, 0);
  assert.equal(script.endLine, text.split('\n').length - 1);
  assert.equal(typeof script.executionContextId, 'number');
  await client.send('Debugger.disable');
  events.skip();
  await client.send('Debugger.enable');
  const again = await events.next('Debugger.scriptParsed', (p) => p.url === scriptUrl('basic.js'));
  assert.equal(again.scriptId, script.scriptId);
});

test('Debugger.getScriptSource returns the file', T, async (t) => {
  const { client, script } = await attach(t, 'basic.js', { stayAtStart: true });
  const r = await client.send('Debugger.getScriptSource', { scriptId: script.scriptId });
  assert.equal(r.scriptSource, source('basic.js'));
});

// ---------------------------------------------------------------- breakpoints

test('Debugger.setBreakpointByUrl (url): resolved location, hit with its id', T, async (t) => {
  const { client, events, script } = await attach(t, 'basic.js', { stayAtStart: true });
  const bp = await breakAt(client, 'basic.js', 'ADD_BODY');
  assert.equal(typeof bp.breakpointId, 'string');
  assert.equal(bp.locations.length, 1);
  assert.equal(bp.locations[0].scriptId, script.scriptId);
  assert.equal(bp.locations[0].lineNumber, bp.lineNumber);
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(p.callFrames[0].functionName, 'add');
  assert.equal(topLine(p), bp.lineNumber);
  assert.equal(p.callFrames[0].url, scriptUrl('basic.js'));
  await client.send('Debugger.resume');
  await logged(events, 'basic done');
});

test('Debugger.setBreakpointByUrl (urlRegex)', T, async (t) => {
  const { client, events } = await attach(t, 'basic.js', { stayAtStart: true });
  const lineNumber = L('basic.js', 'ADD_RETURN');
  const bp = await client.send('Debugger.setBreakpointByUrl', { urlRegex: 'scripts/basic\\.js$', lineNumber });
  assert.equal(bp.locations.length, 1);
  assert.equal(bp.locations[0].lineNumber, lineNumber);
  // A pattern matching nothing resolves nowhere.
  const none = await client.send('Debugger.setBreakpointByUrl', { urlRegex: 'no-such-file\\.js$', lineNumber });
  assert.deepEqual(none.locations, []);
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(topLine(p), lineNumber);
  assert.equal(p.callFrames[0].functionName, 'add');
});

test('Debugger.setBreakpointByUrl before the script is parsed: Debugger.breakpointResolved when it is', T, async (t) => {
  let bp;
  const lineNumber = L('basic.js', 'ADD_BODY');
  const { events } = await attach(t, 'basic.js', {
    stayAtStart: true,
    before: async ({ client }) => {
      bp = await client.send('Debugger.setBreakpointByUrl', { url: scriptUrl('basic.js'), lineNumber });
      assert.deepEqual(bp.locations, [], 'no script to resolve in yet');
    },
  });
  const resolved = await events.next('Debugger.breakpointResolved');
  assert.equal(resolved.breakpointId, bp.breakpointId);
  assert.equal(resolved.location.lineNumber, lineNumber);
});

test('Debugger.setBreakpointByUrl before the script is parsed: hit when it runs', T, async (t) => {
  let bp;
  const lineNumber = L('basic.js', 'ADD_BODY');
  const { client, events } = await attach(t, 'basic.js', {
    before: async ({ client }) => {
      bp = await client.send('Debugger.setBreakpointByUrl', { url: scriptUrl('basic.js'), lineNumber });
    },
  });
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(topLine(p), lineNumber);
  await client.send('Debugger.resume');
  await logged(events, 'basic done');
});

test('a conditional breakpoint hits only when its condition holds', T, async (t) => {
  const { client, events } = await attach(t, 'basic.js', { stayAtStart: true });
  const bp = await breakAt(client, 'basic.js', 'LOOP_BODY', { condition: 'i === 3' });
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(topLine(p), bp.lineNumber);
  assert.equal((await evalOn(client, p.callFrames[0], 'i')).result.value, 3);
  assert.equal((await evalOn(client, p.callFrames[0], 'total')).result.value, 0 + 1 + 2);
  await client.send('Debugger.resume');
  await logged(events, 'basic done');
  assert.equal(events.all('Debugger.paused').length, 2, 'the start pause and i === 3 only');
});

test('Debugger.setBreakpoint by scriptId: actualLocation, hit', T, async (t) => {
  const { client, events, script } = await attach(t, 'basic.js', { stayAtStart: true });
  const lineNumber = L('basic.js', 'COMPUTE_CALL');
  const bp = await client.send('Debugger.setBreakpoint', { location: { scriptId: script.scriptId, lineNumber } });
  assert.equal(bp.actualLocation.scriptId, script.scriptId);
  assert.equal(bp.actualLocation.lineNumber, lineNumber);
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(p.callFrames[0].functionName, 'compute');
  assert.equal(topLine(p), lineNumber);
});

test('Debugger.removeBreakpoint: not hit afterwards', T, async (t) => {
  const { client, events } = await attach(t, 'basic.js', { stayAtStart: true });
  const bp = await breakAt(client, 'basic.js', 'LOOP_BODY');
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal((await evalOn(client, p.callFrames[0], 'i')).result.value, 0);
  assert.deepEqual(await client.send('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId }), {});
  await client.send('Debugger.resume');
  const done = await logged(events, 'basic done');
  assert.equal(done.args[2].value, 10, 'the loop ran to the end');
  assert.equal(events.all('Debugger.paused').length, 2, 'the start pause and i === 0 only');
});

test('Debugger.getPossibleBreakpoints lists the statements of a range', T, async (t) => {
  const { client, script } = await attach(t, 'basic.js', { stayAtStart: true });
  const from = L('basic.js', 'ADD_BODY');
  const to = L('basic.js', 'ADD_RETURN');
  const r = await client.send('Debugger.getPossibleBreakpoints', {
    start: { scriptId: script.scriptId, lineNumber: from, columnNumber: 0 },
    end: { scriptId: script.scriptId, lineNumber: to + 1, columnNumber: 0 },
  });
  assert.ok(r.locations.length >= 2, JSON.stringify(r));
  for (const loc of r.locations) {
    assert.equal(loc.scriptId, script.scriptId);
    assert.ok(loc.lineNumber >= from && loc.lineNumber <= to, JSON.stringify(loc));
    assert.equal(typeof loc.columnNumber, 'number');
  }
  const lines = new Set(r.locations.map((l) => l.lineNumber));
  assert.ok(lines.has(from) && lines.has(to), JSON.stringify(r.locations));
  // `return sum;` starts at its `return` (column of the first non-blank).
  const col = source('basic.js').split('\n')[to].indexOf('return');
  assert.ok(r.locations.some((l) => l.lineNumber === to && l.columnNumber === col), JSON.stringify(r.locations));
});

test('Debugger.setBreakpointsActive(false) skips breakpoints', T, async (t) => {
  const { client, events } = await attach(t, 'basic.js', { stayAtStart: true });
  await breakAt(client, 'basic.js', 'ADD_BODY');
  await breakAt(client, 'basic.js', 'LOOP_BODY');
  assert.deepEqual(await client.send('Debugger.setBreakpointsActive', { active: false }), {});
  await client.send('Debugger.resume');
  await logged(events, 'basic done');
  assert.equal(events.all('Debugger.paused').length, 1, 'only the start pause');
});

test('the debugger statement pauses', T, async (t) => {
  const { events } = await attach(t, 'debugger-stmt.js');
  const p = await paused(events);
  assert.equal(p.callFrames[0].functionName, 'stopHere');
  assert.equal(topLine(p), L('debugger-stmt.js', 'DEBUGGER_LINE'));
});

// ---------------------------------------------------------------- execution control

test('Debugger.pause interrupts a running loop', T, async (t) => {
  const { client, events } = await attach(t, 'loop.js');
  await delay(300);
  assert.equal(events.all('Debugger.paused').length, 1, 'running, not paused');
  assert.deepEqual(await client.send('Debugger.pause'), {});
  const p = await paused(events, 3000);
  assert.equal(p.callFrames[0].functionName, 'spin');
  const body = L('loop.js', 'SPIN_BODY');
  assert.ok(Math.abs(topLine(p) - body) <= 1, `paused in the loop (line ${topLine(p)})`);
  assert.ok((await evalOn(client, p.callFrames[0], 'n')).result.value > 0);
  // End the loop from the client, then let it finish.
  await evalOn(client, p.callFrames[0], 'deadline = 0');
  await client.send('Debugger.resume');
  const done = await logged(events, 'loop done');
  assert.equal(done.args[1].value, true);
});

test('Debugger.resume: resumed event, the script goes on; an error when not paused', T, async (t) => {
  const { client, events } = await attach(t, 'basic.js', { stayAtStart: true });
  await breakAt(client, 'basic.js', 'ADD_BODY');
  await client.send('Debugger.resume');
  await events.next('Debugger.resumed');
  await paused(events);
  events.skip();
  await client.send('Debugger.resume');
  await events.next('Debugger.resumed');
  const done = await logged(events, 'basic done');
  assert.equal(done.args[1].value, 20);
  const err = await protocolError(client.send('Debugger.resume'));
  assert.equal(err.code, -32000);
  assert.match(err.message, /paused/);
});

test('Debugger.stepOver: next line of the same function, over calls', T, async (t) => {
  const { client, events } = await attach(t, 'steps.js', { stayAtStart: true });
  await breakAt(client, 'steps.js', 'MIDDLE_CALL');
  await client.send('Debugger.resume');
  let p = await paused(events);
  assert.equal(p.callFrames[0].functionName, 'middle');
  await client.send('Debugger.stepOver');
  p = await paused(events);
  assert.equal(p.callFrames[0].functionName, 'middle');
  assert.equal(topLine(p), L('steps.js', 'MIDDLE_AFTER'));
  await client.send('Debugger.stepOver');
  p = await paused(events);
  assert.equal(topLine(p), L('steps.js', 'MIDDLE_RET'));
  assert.equal((await evalOn(client, p.callFrames[0], 'b')).result.value, 8);
});

test('Debugger.stepInto: enters the called function', T, async (t) => {
  const { client, events } = await attach(t, 'steps.js', { stayAtStart: true });
  await breakAt(client, 'steps.js', 'MIDDLE_CALL');
  await client.send('Debugger.resume');
  await paused(events);
  await client.send('Debugger.stepInto');
  let p = await paused(events);
  assert.deepEqual(p.callFrames.map((f) => f.functionName), ['inner', 'middle', '']);
  assert.equal(topLine(p), L('steps.js', 'INNER_1'));
  assert.equal(p.callFrames[1].location.lineNumber, L('steps.js', 'MIDDLE_CALL'));
  await client.send('Debugger.stepInto');
  p = await paused(events);
  assert.equal(topLine(p), L('steps.js', 'INNER_2'));
  assert.equal((await evalOn(client, p.callFrames[0], 'doubled')).result.value, 6);
});

test('Debugger.stepInto at a console.log call does not stop inside it', T, async (t) => {
  const { client, events } = await attach(t, 'steps.js', { stayAtStart: true });
  await breakAt(client, 'steps.js', 'TOP_LOG');
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.equal(topLine(p), L('steps.js', 'TOP_LOG'));
  events.skip();
  // console.log is native: V8 steps over it; here the script then ends.
  await client.send('Debugger.stepInto');
  const next = await Promise.race([
    logged(events, 'steps done').then(() => null),
    paused(events),
  ]);
  if (next) {
    const f = next.callFrames[0];
    assert.fail(`paused again (callFrameId ${f.callFrameId}, ${f.functionName || 'top level'} at ` +
      `${f.location.lineNumber}:${f.location.columnNumber}) before console.log ran`);
  }
});

test('Debugger.stepOut: back to the caller', T, async (t) => {
  const { client, events } = await attach(t, 'steps.js', { stayAtStart: true });
  await breakAt(client, 'steps.js', 'INNER_1');
  await client.send('Debugger.resume');
  let p = await paused(events);
  assert.equal(p.callFrames[0].functionName, 'inner');
  await client.send('Debugger.stepOut');
  p = await paused(events);
  assert.equal(p.callFrames[0].functionName, 'middle');
  // V8 stops in the caller right after the call (the rest of its
  // statement, same line); a statement-level stepper stops at the next one.
  const line = topLine(p);
  assert.ok(
    [L('steps.js', 'MIDDLE_CALL'), L('steps.js', 'MIDDLE_AFTER')].includes(line),
    `stepOut landed on line ${line}`,
  );
  await client.send('Debugger.stepOut');
  p = await paused(events);
  assert.equal(p.callFrames.length, 1, 'at top level');
  assert.ok([L('steps.js', 'TOP_CALL'), L('steps.js', 'TOP_LOG')].includes(topLine(p)), `line ${topLine(p)}`);
});

// ---------------------------------------------------------------- exceptions

test("Debugger.setPauseOnExceptions('all') pauses on a caught exception", T, async (t) => {
  const { client, events } = await attach(t, 'throws.js', { stayAtStart: true });
  assert.deepEqual(await client.send('Debugger.setPauseOnExceptions', { state: 'all' }), {});
  await client.send('Debugger.resume');
  let p = await paused(events);
  assert.equal(p.reason, 'exception');
  assert.equal(p.data.className, 'Error');
  assert.match(p.data.description, /caught-boom/);
  assert.equal(p.data.uncaught, false);
  assert.equal(p.callFrames[0].functionName, 'thrower');
  assert.equal(topLine(p), L('throws.js', 'THROW_LINE'));
  assert.equal(p.callFrames[1].functionName, 'catcher');
  await client.send('Debugger.resume');
  p = await paused(events);
  assert.equal(p.reason, 'exception');
  assert.match(p.data.description, /uncaught-boom/);
  assert.equal(p.data.uncaught, true);
});

test("Debugger.setPauseOnExceptions('uncaught') skips caught exceptions", T, async (t) => {
  const { client, events } = await attach(t, 'throws.js', { stayAtStart: true });
  await client.send('Debugger.setPauseOnExceptions', { state: 'uncaught' });
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.equal(p.reason, 'exception');
  assert.match(p.data.description, /uncaught-boom/);
  assert.equal(p.callFrames[0].functionName, 'thrower');
  assert.equal(p.callFrames[1].location.lineNumber, L('throws.js', 'UNCAUGHT_CALL'));
  assert.ok(events.all('Runtime.consoleAPICalled').some((c) => c.args[1]?.value === 'caught-boom'),
    'the caught exception did not stop the script');
  const err = await protocolError(client.send('Debugger.setPauseOnExceptions', { state: 'sometimes' }));
  assert.equal(err.code, -32602);
});

test('Runtime.exceptionThrown for an uncaught throw (not for a caught one)', T, async (t) => {
  const { client, events } = await attach(t, 'throws.js', { stayAtStart: true });
  // qjs exits at once on an uncaught exception (see the next test): a pause
  // on it holds the process while the event is read.
  await client.send('Debugger.setPauseOnExceptions', { state: 'uncaught' });
  await client.send('Debugger.resume');
  await paused(events);
  client.send('Debugger.resume').catch(() => {});
  const e = await events.next('Runtime.exceptionThrown');
  const d = e.exceptionDetails;
  assert.equal(typeof e.timestamp, 'number');
  assert.equal(d.exception.className, 'Error');
  assert.match(d.exception.description, /uncaught-boom/);
  assert.equal(d.url, scriptUrl('throws.js'));
  assert.equal(d.lineNumber, L('throws.js', 'THROW_LINE'));
  assert.equal(d.stackTrace.callFrames[0].functionName, 'thrower');
  assert.equal(d.stackTrace.callFrames[1].lineNumber, L('throws.js', 'UNCAUGHT_CALL'));
  const caughtOne = events.all('Runtime.exceptionThrown').filter((x) => /(?<!un)caught-boom/.test(JSON.stringify(x)));
  assert.deepEqual(caughtOne, [], 'no exceptionThrown for the caught exception');
});

test('after an uncaught exception the session stays open until the client leaves (as Node)', T, async (t) => {
  const { client, events, proc } = await attach(t, 'throws.js', { stayAtStart: true });
  let disconnected = false;
  client.on('disconnect', () => { disconnected = true; });
  // Node answers the resume, reports the exception, then waits for the
  // debugger to disconnect ("Waiting for the debugger to disconnect...").
  const resumed = client.send('Debugger.resume').then(() => 'replied', (e) => `no reply: ${e.message}`);
  await events.next('Runtime.exceptionThrown');
  assert.equal(await resumed, 'replied');
  await delay(500);
  assert.equal(proc.exit, null, `qjs exited (${JSON.stringify(proc.exit)}) with the client still attached`);
  assert.equal(disconnected, false);
});

// ---------------------------------------------------------------- call frames and evaluation

test('Debugger.paused: callFrames with functionName, location, scopeChain and this', T, async (t) => {
  const { client, events, script } = await attach(t, 'basic.js', { stayAtStart: true });
  await breakAt(client, 'basic.js', 'ADD_BODY');
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.equal(p.reason, 'other');
  const [add, compute, top] = p.callFrames;
  assert.equal(p.callFrames.length, 3);
  assert.deepEqual([add.functionName, compute.functionName, top.functionName], ['add', 'compute', '']);
  assert.deepEqual(add.location, {
    scriptId: script.scriptId,
    lineNumber: L('basic.js', 'ADD_BODY'),
    columnNumber: source('basic.js').split('\n')[L('basic.js', 'ADD_BODY')].indexOf('const'),
  });
  assert.equal(compute.location.lineNumber, L('basic.js', 'COMPUTE_CALL'));
  assert.equal(top.location.lineNumber, L('basic.js', 'const result'));
  for (const f of p.callFrames) {
    assert.equal(f.url, scriptUrl('basic.js'));
    assert.equal(typeof f.callFrameId, 'string');
    assert.equal(f.scopeChain.at(-1).type, 'global');
  }
  assert.equal(add.scopeChain[0].type, 'local');
  const local = await props(client, add.scopeChain[0].object.objectId);
  assert.equal(local.byName.a.value.value, 10);
  assert.equal(local.byName.b.value.value, 10);
  // `this` of a method call is its object.
  assert.equal(compute.this.type, 'object');
  assert.equal(compute.this.className, 'Object');
  const self = await props(client, compute.this.objectId);
  assert.equal(self.byName.name.value.value, 'calc');
  const g = await client.send('Runtime.callFunctionOn', {
    objectId: add.scopeChain.at(-1).object.objectId,
    functionDeclaration: 'function () { return this === globalThis; }',
    returnByValue: true,
  });
  assert.equal(g.result.value, true, 'the global scope object is globalThis');
});

test('Debugger.evaluateOnCallFrame reads locals, arguments and closure variables', T, async (t) => {
  const { client, events } = await attach(t, 'closure.js', { stayAtStart: true });
  await breakAt(client, 'closure.js', 'BUMP_BP');
  await client.send('Debugger.resume');
  const p = await paused(events);
  const f = p.callFrames[0];
  assert.equal(f.functionName, 'bump');
  assert.deepEqual(f.scopeChain.map((s) => s.type).filter((x) => x !== 'global').slice(0, 2), ['local', 'closure']);
  assert.equal((await evalOn(client, f, 'local')).result.value, 10);
  assert.equal((await evalOn(client, f, 'step')).result.value, 5);
  assert.equal((await evalOn(client, f, 'count')).result.value, 100);
  assert.equal((await evalOn(client, f, 'label')).result.value, 'counter');
  assert.equal((await evalOn(client, f, 'local + count')).result.value, 110);
  const closure = await props(client, f.scopeChain[1].object.objectId);
  assert.equal(closure.byName.count.value.value, 100);
  // The caller's frame sees its own variables.
  const caller = p.callFrames[1];
  assert.equal((await evalOn(client, caller, 'typeof bump')).result.value, 'function');
  const thrown = await evalOn(client, f, 'noSuchVariable');
  assert.ok(thrown.exceptionDetails, 'a ReferenceError is reported');
  assert.equal(thrown.exceptionDetails.exception.className, 'ReferenceError');
});

test('Debugger.evaluateOnCallFrame assigns a local that the script then sees', T, async (t) => {
  const { client, events } = await attach(t, 'closure.js', { stayAtStart: true });
  await breakAt(client, 'closure.js', 'BUMP_BP');
  await client.send('Debugger.resume');
  const p = await paused(events);
  const r = await evalOn(client, p.callFrames[0], 'local = 1000');
  assert.equal(r.result.value, 1000);
  assert.equal((await evalOn(client, p.callFrames[0], 'local')).result.value, 1000);
  await client.send('Debugger.resume');
  const done = await logged(events, 'closure done');
  assert.equal(done.args[1].value, '1100:counter');
});

test('Debugger.evaluateOnCallFrame assigns a closure variable that the script then sees', T, async (t) => {
  const { client, events } = await attach(t, 'closure.js', { stayAtStart: true });
  await breakAt(client, 'closure.js', 'BUMP_BP');
  await client.send('Debugger.resume');
  const p = await paused(events);
  await evalOn(client, p.callFrames[0], 'count = 1');
  await client.send('Debugger.resume');
  const done = await logged(events, 'closure done');
  assert.equal(done.args[1].value, '11:counter');
});

// ---------------------------------------------------------------- Runtime.getProperties

/** Pauses at VALUES_BP of values.js; `get(name)` is a local's RemoteObject. */
async function atValues(t) {
  const s = await attach(t, 'values.js', { stayAtStart: true });
  await breakAt(s.client, 'values.js', 'VALUES_BP');
  await s.client.send('Debugger.resume');
  const p = await paused(s.events);
  assert.equal(p.callFrames[0].functionName, 'inspectMe');
  s.get = async (name) => (await evalOn(s.client, p.callFrames[0], name)).result;
  return s;
}

test('Runtime.getProperties: a plain object', T, async (t) => {
  const { client, get } = await atValues(t);
  const o = await get('plain');
  assert.equal(o.type, 'object');
  assert.equal(o.className, 'Object');
  const { byName } = await props(client, o.objectId);
  assert.deepEqual(Object.keys(byName).sort(), ['a', 'b', 'nested']);
  assert.deepEqual(byName.a.value, { type: 'number', value: 1, description: '1' });
  assert.deepEqual(byName.b.value, { type: 'string', value: 'two' });
  assert.equal(byName.a.isOwn, true);
  assert.equal(byName.a.enumerable, true);
  assert.equal(byName.a.writable, true);
  assert.equal(byName.nested.value.type, 'object');
  const nested = await props(client, byName.nested.value.objectId);
  assert.equal(nested.byName.c.value.value, true);
});

test('Runtime.getProperties: an array', T, async (t) => {
  const { client, get } = await atValues(t);
  const a = await get('arr');
  assert.equal(a.subtype, 'array');
  assert.equal(a.className, 'Array');
  assert.equal(a.description, 'Array(3)');
  const { byName } = await props(client, a.objectId);
  assert.deepEqual(['0', '1', '2'].map((k) => byName[k].value.value), [10, 20, 30]);
  assert.equal(byName.length.value.value, 3);
  assert.equal(byName.length.enumerable, false);
});

test('Runtime.getProperties: a Map ([[Entries]])', T, async (t) => {
  const { client, get } = await atValues(t);
  const m = await get('map');
  assert.equal(m.subtype, 'map');
  assert.equal(m.className, 'Map');
  assert.equal(m.description, 'Map(2)');
  const { internal } = await props(client, m.objectId);
  assert.ok(internal['[[Entries]]'], `internalProperties: ${Object.keys(internal)}`);
  const entries = await props(client, internal['[[Entries]]'].value.objectId);
  assert.equal(entries.byName.length.value.value, 2);
  const first = await props(client, entries.byName['0'].value.objectId);
  assert.equal(first.byName.key.value.value, 'k1');
  assert.equal(first.byName.value.value.value, 1);
  const second = await props(client, entries.byName['1'].value.objectId);
  assert.equal(second.byName.key.value.value, 'k2');
  assert.equal(second.byName.value.value.type, 'object');
});

test('Runtime.getProperties: a Set ([[Entries]])', T, async (t) => {
  const { client, get } = await atValues(t);
  const s = await get('set');
  assert.equal(s.subtype, 'set');
  assert.equal(s.description, 'Set(3)');
  const { internal } = await props(client, s.objectId);
  const entries = await props(client, internal['[[Entries]]'].value.objectId);
  const values = [];
  for (const k of ['0', '1', '2']) {
    values.push((await props(client, entries.byName[k].value.objectId)).byName.value.value.value);
  }
  assert.deepEqual(values, ['s1', 's2', 's3']);
});

test('Runtime.getProperties: a class instance (className is the class)', T, async (t) => {
  const { client, get } = await atValues(t);
  const p = await get('point');
  assert.equal(p.type, 'object');
  assert.equal(p.className, 'Point');
  assert.equal(p.description, 'Point');
  const { byName, internal } = await props(client, p.objectId);
  assert.equal(byName.x.value.value, 3);
  assert.equal(byName.y.value.value, 4);
  assert.equal(byName.norm, undefined, 'norm is not an own property');
  const proto = await props(client, internal['[[Prototype]]'].value.objectId);
  assert.equal(proto.byName.norm.value.type, 'function');
});

test('Runtime.getProperties: an accessor is shown with get', T, async (t) => {
  const { client, get } = await atValues(t);
  const o = await get('withGetter');
  const { byName } = await props(client, o.objectId);
  assert.equal(byName.answer.value, undefined, 'an accessor has no value');
  assert.equal(byName.answer.get.type, 'function');
  assert.equal(byName.answer.set, undefined);
  assert.equal(byName.plain.value.value, 1);
  const only = await props(client, o.objectId, { accessorPropertiesOnly: true });
  assert.deepEqual(Object.keys(only.byName), ['answer']);
});

test('Runtime.getProperties: promises ([[PromiseState]], [[PromiseResult]])', T, async (t) => {
  const { client, get } = await atValues(t);
  const resolved = await get('resolved');
  assert.equal(resolved.subtype, 'promise');
  assert.equal(resolved.className, 'Promise');
  let { internal } = await props(client, resolved.objectId);
  assert.deepEqual(internal['[[PromiseState]]'].value, { type: 'string', value: 'fulfilled' });
  assert.equal(internal['[[PromiseResult]]'].value.value, 7);
  ({ internal } = await props(client, (await get('pending')).objectId));
  assert.equal(internal['[[PromiseState]]'].value.value, 'pending');
  ({ internal } = await props(client, (await get('rejected')).objectId));
  assert.equal(internal['[[PromiseState]]'].value.value, 'rejected');
  assert.match(internal['[[PromiseResult]]'].value.description, /nope/);
});

// ---------------------------------------------------------------- object ids

test('Runtime.callFunctionOn: this, arguments by value and by objectId, returnByValue', T, async (t) => {
  const { client } = await attach(t, 'basic.js', { stayAtStart: true });
  const a = (await client.send('Runtime.evaluate', { expression: '({ a: 2 })' })).result;
  const b = (await client.send('Runtime.evaluate', { expression: '({ b: 1 })' })).result;
  const r = await client.send('Runtime.callFunctionOn', {
    objectId: a.objectId,
    functionDeclaration: 'function (k, o) { return this.a * k + o.b; }',
    arguments: [{ value: 5 }, { objectId: b.objectId }],
  });
  assert.deepEqual(r.result, { type: 'number', value: 11, description: '11' });
  const v = await client.send('Runtime.callFunctionOn', {
    objectId: a.objectId,
    functionDeclaration: 'function () { return { sum: this.a + 1, list: [this.a] }; }',
    returnByValue: true,
  });
  assert.deepEqual(v.result.value, { sum: 3, list: [2] });
  const thrown = await client.send('Runtime.callFunctionOn', {
    objectId: a.objectId,
    functionDeclaration: 'function () { throw new TypeError("from-callFunctionOn"); }',
  });
  assert.match(thrown.exceptionDetails.exception.description, /from-callFunctionOn/);
});

test('Runtime.releaseObject: the id then errors', T, async (t) => {
  const { client } = await attach(t, 'basic.js', { stayAtStart: true });
  const o = (await client.send('Runtime.evaluate', { expression: '({ z: 1 })' })).result;
  assert.equal((await props(client, o.objectId)).byName.z.value.value, 1);
  assert.deepEqual(await client.send('Runtime.releaseObject', { objectId: o.objectId }), {});
  const err = await protocolError(client.send('Runtime.getProperties', { objectId: o.objectId }));
  assert.match(err.message, /Could not find object with given id/);
});

test('Runtime.releaseObjectGroup: the group\'s ids then error, other groups stay', T, async (t) => {
  const { client } = await attach(t, 'basic.js', { stayAtStart: true });
  const ev = async (expression, objectGroup) =>
    (await client.send('Runtime.evaluate', { expression, objectGroup })).result.objectId;
  const g1a = await ev('({ one: 1 })', 'g1');
  const g1b = await ev('[1, 2]', 'g1');
  const g2 = await ev('({ two: 2 })', 'g2');
  assert.deepEqual(await client.send('Runtime.releaseObjectGroup', { objectGroup: 'g1' }), {});
  for (const id of [g1a, g1b]) {
    const err = await protocolError(client.send('Runtime.getProperties', { objectId: id }));
    assert.match(err.message, /Could not find object with given id/);
  }
  assert.equal((await props(client, g2)).byName.two.value.value, 2);
});

// ---------------------------------------------------------------- console

test('Runtime.consoleAPICalled for console.log with its arguments', T, async (t) => {
  const { events, proc } = await attach(t, 'console.js');
  const e = await logged(events, 'hello');
  assert.equal(e.type, 'log');
  assert.equal(typeof e.executionContextId, 'number');
  assert.equal(typeof e.timestamp, 'number');
  const [s, n, o, a] = e.args;
  assert.deepEqual(s, { type: 'string', value: 'hello' });
  assert.deepEqual(n, { type: 'number', value: 42, description: '42' });
  assert.equal(o.type, 'object');
  assert.equal(o.className, 'Object');
  assert.equal(typeof o.objectId, 'string');
  assert.equal(a.subtype, 'array');
  assert.equal(e.stackTrace.callFrames[0].lineNumber, L('console.js', 'LOG_LINE'));
  assert.equal(e.stackTrace.callFrames[0].url, scriptUrl('console.js'));
  const w = await logged(events, 'careful');
  assert.equal(w.type, 'warning');
  await logged(events, 'console done');
  assert.match(proc.stdout, /hello 42/, 'the console still prints');
});

// ---------------------------------------------------------------- async and modules

test("async: a breakpoint after `await sleep(10)` (sleep from the native 'rust' module)", T, async (t) => {
  const { client, events, script } = await attach(t, 'async.mjs', { stayAtStart: true });
  const bp = await breakAt(client, 'async.mjs', 'AFTER_AWAIT');
  assert.equal(bp.locations[0]?.scriptId, script.scriptId);
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(p.callFrames[0].functionName, 'work');
  assert.equal(topLine(p), bp.lineNumber);
  assert.equal((await evalOn(client, p.callFrames[0], 'before')).result.value, 5);
  assert.equal((await evalOn(client, p.callFrames[0], 'n')).result.value, 4);
  await client.send('Debugger.resume');
  const done = await logged(events, 'async done');
  assert.equal(done.args[1].value, 10);
});

test('modules: a breakpoint inside an imported module file', T, async (t) => {
  const { client, events } = await attach(t, 'main.mjs', { stayAtStart: true });
  const lib = events.all('Debugger.scriptParsed').find((s) => s.url === scriptUrl('lib.mjs'));
  assert.ok(lib, 'scriptParsed for the imported lib.mjs');
  const bp = await breakAt(client, 'lib.mjs', 'LIB_BP');
  assert.equal(bp.locations[0]?.scriptId, lib.scriptId);
  await client.send('Debugger.resume');
  const p = await paused(events);
  assert.deepEqual(p.hitBreakpoints, [bp.breakpointId]);
  assert.equal(p.callFrames[0].functionName, 'triple');
  assert.equal(p.callFrames[0].url, scriptUrl('lib.mjs'));
  assert.equal(p.callFrames[1].url, scriptUrl('main.mjs'));
  assert.equal(p.callFrames[1].location.lineNumber, L('main.mjs', 'MAIN_CALL'));
  assert.equal((await evalOn(client, p.callFrames[0], 'x')).result.value, 7);
  const src = await client.send('Debugger.getScriptSource', { scriptId: lib.scriptId });
  assert.equal(src.scriptSource, source('lib.mjs'));
  await client.send('Debugger.resume');
  const done = await logged(events, 'main done');
  assert.equal(done.args[1].value, 21);
});

test('modules: scriptParsed says isModule: true', T, async (t) => {
  const { events, script } = await attach(t, 'main.mjs', { stayAtStart: true });
  const lib = events.all('Debugger.scriptParsed').find((s) => s.url === scriptUrl('lib.mjs'));
  assert.equal(script.isModule, true, 'main.mjs');
  assert.equal(lib.isModule, true, 'lib.mjs');
});

// ---------------------------------------------------------------- protocol errors

test('protocol errors: an unknown method', T, async (t) => {
  const { client } = await connect(t, 'basic.js');
  const err = await protocolError(client.send('Debugger.noSuchMethod', {}));
  assert.equal(err.code, -32601);
  assert.equal(err.message, "'Debugger.noSuchMethod' wasn't found");
  // The session still works.
  assert.equal((await client.send('Runtime.evaluate', { expression: '1' })).result.value, 1);
});

test('protocol errors: malformed params', T, async (t) => {
  const { client } = await connect(t, 'basic.js');
  const cases = [
    ['Debugger.setBreakpointByUrl', { url: scriptUrl('basic.js'), lineNumber: 'three' }, /lineNumber/],
    ['Runtime.evaluate', { expression: 42 }, /expression/],
    ['Runtime.getProperties', {}, /objectId/],
    ['Debugger.getScriptSource', { scriptId: 7 }, /scriptId/],
  ];
  for (const [method, params, mentions] of cases) {
    const err = await protocolError(client.send(method, params));
    assert.equal(err.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(err)}`);
    assert.match(`${err.message} ${err.data ?? ''}`, mentions);
  }
  assert.equal((await client.send('Runtime.evaluate', { expression: '2' })).result.value, 2);
});

// ---------------------------------------------------------------- profiler

/** Profiles hot() of hot.js, from the PROFILE_START breakpoint to PROFILE_STOP. */
async function profileHot(t) {
  const { client, events } = await attach(t, 'hot.js', { stayAtStart: true });
  await breakAt(client, 'hot.js', 'PROFILE_START');
  await breakAt(client, 'hot.js', 'PROFILE_STOP');
  await client.send('Debugger.resume');
  let p = await paused(events);
  assert.equal(topLine(p), L('hot.js', 'PROFILE_START'));
  await client.send('Profiler.enable');
  await client.send('Profiler.setSamplingInterval', { interval: 100 });
  assert.deepEqual(await client.send('Profiler.start'), {});
  await client.send('Debugger.resume');
  p = await paused(events);
  assert.equal(topLine(p), L('hot.js', 'PROFILE_STOP'));
  const { profile } = await client.send('Profiler.stop');
  const self = new Map();
  for (const s of profile.samples) self.set(s, (self.get(s) || 0) + 1);
  const hottestId = [...self.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
  const hottest = profile.nodes.find((n) => n.id === hottestId);
  return { client, profile, hottest };
}

test('Profiler.start/stop: a profile whose hottest function by self samples is the hot one', T, async (t) => {
  const { client, profile, hottest } = await profileHot(t);
  assert.ok(Array.isArray(profile.nodes) && profile.nodes.length >= 2);
  assert.ok(profile.samples.length > 20, `${profile.samples.length} samples`);
  assert.equal(profile.timeDeltas.length, profile.samples.length);
  assert.ok(profile.timeDeltas.every((d) => typeof d === 'number' && d >= 0));
  assert.equal(typeof profile.startTime, 'number');
  assert.equal(typeof profile.endTime, 'number');
  assert.ok(profile.endTime - profile.startTime >= 250_000, `${profile.endTime - profile.startTime} µs`);
  const ids = new Set(profile.nodes.map((n) => n.id));
  for (const s of profile.samples) assert.ok(ids.has(s), `sample ${s} is a node`);
  for (const n of profile.nodes) {
    for (const c of n.children || []) assert.ok(ids.has(c), `child ${c} is a node`);
    assert.equal(typeof n.callFrame.functionName, 'string');
  }
  assert.equal(profile.nodes[0].callFrame.functionName, '(root)');
  assert.equal(hottest.callFrame.functionName, 'hot');
  const err = await protocolError(client.send('Profiler.stop'));
  assert.equal(err.code, -32000);
});

test("Profiler: a node's callFrame is its function's: the script's url, the function's line", T, async (t) => {
  const { hottest } = await profileHot(t);
  assert.equal(hottest.callFrame.functionName, 'hot');
  assert.equal(hottest.callFrame.url, scriptUrl('hot.js'), 'the url of scriptParsed');
  const decl = L('hot.js', 'function hot');
  assert.equal(hottest.callFrame.lineNumber, decl, 'V8 gives the line where the function starts, not of a sample');
});
