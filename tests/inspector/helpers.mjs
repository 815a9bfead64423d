// Shared helpers of the inspector proof tests: start `qjs --inspect-brk` on
// a free port, attach a real CDP client (chrome-remote-interface) and wait
// for its events. Every child is killed when its test ends (t.after).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import CDP from 'chrome-remote-interface';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SCRIPTS = path.join(HERE, 'scripts');
export const QJS = path.resolve(HERE, process.env.QJS || '../../target/debug/qjs');

/** Default time to wait for one event or line. */
export const TIMEOUT = 5000;

/** The absolute path of a test script (in scripts/). */
export const scriptPath = (name) => path.join(SCRIPTS, name);
/** The file:// URL the inspector reports for a test script. */
export const scriptUrl = (name) => pathToFileURL(scriptPath(name)).href;

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Rejects after `ms` with `what` in the message (the timer never holds the process). */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `qjs --inspect-brk=127.0.0.1:PORT [...args] script` in scripts/ and
 * waits for its "Debugger listening on ws://..." line. The child is killed
 * when test `t` ends.
 */
export async function startQjs(t, script, { args = [], brk = true } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const flag = `${brk ? '--inspect-brk' : '--inspect'}=127.0.0.1:${port}`;
    const child = spawn(QJS, [flag, ...args, script], {
      cwd: SCRIPTS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = {
      child,
      port,
      host: '127.0.0.1',
      stdout: '',
      stderr: '',
      exit: null,
    };
    proc.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        proc.exit = { code, signal };
        resolve(proc.exit);
      });
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { proc.stdout += d; });
    child.stderr.on('data', (d) => { proc.stderr += d; });
    t.after(() => kill(proc));
    try {
      proc.wsUrl = await withTimeout(
        new Promise((resolve, reject) => {
          const check = () => {
            const m = /Debugger listening on (ws:\/\/\S+)/.exec(proc.stderr);
            if (m) resolve(m[1]);
          };
          child.stderr.on('data', check);
          child.on('error', reject);
          proc.exited.then(() =>
            reject(new Error(`qjs exited (${JSON.stringify(proc.exit)}) before listening:\n${proc.stderr}`)));
          check();
        }),
        TIMEOUT,
        `"Debugger listening" from qjs (stderr so far: ${JSON.stringify(proc.stderr)})`,
      );
      return proc;
    } catch (e) {
      lastError = e;
      kill(proc);
      // The port may have been taken between freePort() and qjs's bind: retry.
      if (!/failed|Address already in use/i.test(proc.stderr)) throw e;
    }
  }
  throw lastError;
}

/** Kills a child started by startQjs (if still running) and waits for it. */
export async function kill(proc) {
  if (proc.exit === null) {
    proc.child.kill('SIGKILL');
    await withTimeout(proc.exited, 2000, 'qjs to die').catch(() => {});
  }
}

/**
 * Records every event a CDP client receives, so a test can wait for an
 * event that may already have arrived (events come before the reply of
 * the command that caused them).
 */
export class Events {
  constructor(client) {
    this.log = [];
    this.waiters = [];
    client.on('event', (msg) => {
      const e = { method: msg.method, params: msg.params, used: false };
      this.log.push(e);
      for (const w of [...this.waiters]) w(e);
    });
  }

  /** All events of `method` received so far (consumed or not). */
  all(method) {
    return this.log.filter((e) => e.method === method).map((e) => e.params);
  }

  /** Marks every event received so far as seen (next() ignores them). */
  skip() {
    for (const e of this.log) e.used = true;
  }

  /**
   * The first not yet consumed event `method` for which `pred(params)` holds
   * (waiting up to `timeout` ms for it); it is consumed.
   */
  next(method, pred = () => true, timeout = TIMEOUT) {
    const ok = (e) => !e.used && e.method === method && pred(e.params);
    const found = this.log.find(ok);
    if (found) {
      found.used = true;
      return Promise.resolve(found.params);
    }
    let waiter;
    const p = new Promise((resolve) => {
      waiter = (e) => {
        if (ok(e)) {
          e.used = true;
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(e.params);
        }
      };
      this.waiters.push(waiter);
    });
    return withTimeout(p, timeout, `event ${method}`).finally(() => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  /** Resolves false if no unconsumed `method` event arrives within `ms`. */
  async none(method, ms, pred = () => true) {
    try {
      await this.next(method, pred, ms);
      return false;
    } catch (e) {
      if (/timed out/.test(e.message)) return true;
      throw e;
    }
  }
}

/**
 * Starts qjs on `script` and connects chrome-remote-interface to it.
 * `local: true` makes the client use its bundled protocol description
 * (qjs serves no /json/protocol). Returns { proc, client, events }.
 * Nothing is enabled yet: the caller enables domains and then sends
 * Runtime.runIfWaitingForDebugger (see `attach`).
 */
export async function connect(t, script, opts = {}) {
  const proc = await startQjs(t, script, opts);
  const client = await withTimeout(
    CDP({ host: proc.host, port: proc.port, local: true }),
    TIMEOUT,
    'the CDP connection',
  );
  t.after(() => client.close().catch(() => {}));
  const events = new Events(client);
  return { proc, client, events };
}

/**
 * connect() then what a debugger front-end does on attach: Runtime.enable,
 * Debugger.enable, `before(session)` (e.g. set breakpoints), then
 * Runtime.runIfWaitingForDebugger. With --inspect-brk the script then
 * pauses at its first statement; unless `stayAtStart`, that pause is
 * waited for and resumed.
 */
export async function attach(t, script, { before, stayAtStart = false, ...opts } = {}) {
  const s = await connect(t, script, opts);
  const { client, events } = s;
  await client.send('Runtime.enable');
  await client.send('Debugger.enable');
  if (before) await before(s);
  await client.send('Runtime.runIfWaitingForDebugger');
  // qjs waits for the debugger before it compiles the main script: its
  // scriptParsed comes after runIfWaitingForDebugger.
  s.script = await events.next('Debugger.scriptParsed', (p) => p.url === scriptUrl(script));
  s.first = await events.next('Debugger.paused');
  if (!stayAtStart) {
    await client.send('Debugger.resume');
  }
  return s;
}

/** Waits for the next Debugger.paused and returns its params. */
export const paused = (events, timeout) => events.next('Debugger.paused', undefined, timeout);

/** The (0-based) line of the top frame of a Debugger.paused event. */
export const topLine = (p) => p.callFrames[0].location.lineNumber;

/** The 0-based number of the first line of `source` containing `marker`. */
export function lineOf(source, marker) {
  const i = source.split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i;
}

/** Runtime.getProperties of `objectId` as a name -> descriptor map. */
export async function props(client, objectId, extra = {}) {
  const r = await client.send('Runtime.getProperties', { objectId, ownProperties: true, ...extra });
  const byName = Object.fromEntries(r.result.map((p) => [p.name, p]));
  const internal = Object.fromEntries((r.internalProperties || []).map((p) => [p.name, p]));
  return { raw: r, byName, internal };
}

/** Evaluates `expression` in call frame `frame` of a pause. */
export async function evalOn(client, frame, expression, extra = {}) {
  return client.send('Debugger.evaluateOnCallFrame', {
    callFrameId: frame.callFrameId,
    expression,
    ...extra,
  });
}
