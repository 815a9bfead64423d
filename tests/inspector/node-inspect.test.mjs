// Node's own CLI debugger, `node inspect 127.0.0.1:PORT`, attached to
// `qjs --inspect-brk` and driven through its stdin/stdout as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { lineOf, scriptPath, SCRIPTS, startQjs, withTimeout, TIMEOUT } from './helpers.mjs';

const T = { timeout: 15_000 };
/** 1-based line (as node inspect prints) of `marker` in scripts/`name`. */
const line = (name, marker) => lineOf(fs.readFileSync(scriptPath(name), 'utf8'), marker) + 1;

const PROMPT = /debug> $/;
// `Break on start in` for --inspect-brk's pause (as with Node), `break in` after.
const BREAK = /(?:Break on start|break) in ([^\s:]+):(\d+)\n/;

/** A running `node inspect`: its output, and commands typed at its prompt. */
class NodeInspect {
  constructor(t, port) {
    this.child = spawn(process.execPath, ['inspect', `127.0.0.1:${port}`], {
      cwd: SCRIPTS, // so that it prints paths relative to scripts/
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_INSPECT_RESUME_ON_START: '', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    this.out = '';
    this.waiters = new Set();
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
    const take = (d) => {
      // Backspaces and ANSI sequences out: what a user would read.
      this.out += d.toString('utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/[\b\r]/g, '');
      for (const w of this.waiters) w();
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    t.after(async () => {
      // INSPECT_TRANSCRIPT=1 prints what the user would have seen.
      if (process.env.INSPECT_TRANSCRIPT) process.stderr.write(`--- ${t.name}\n${this.out}\n`);
      if (this.child.exitCode === null) {
        this.child.kill('SIGKILL');
        await withTimeout(this.exited, 2000, 'node inspect to die').catch(() => {});
      }
    });
  }

  /** Waits until the output after `from` matches `re`; returns the match. */
  waitFor(re, from = 0, timeout = TIMEOUT) {
    let check;
    const p = new Promise((resolve) => {
      check = () => {
        const m = re.exec(this.out.slice(from));
        if (m) resolve(m);
      };
      this.waiters.add(check);
      check();
    });
    return withTimeout(p, timeout, `${re} in node inspect's output:\n${this.out.slice(from)}`).finally(() =>
      this.waiters.delete(check),
    );
  }

  /** Types `text` at the prompt; the output it printed up to the next prompt. */
  async cmd(text, until = PROMPT) {
    const from = this.out.length;
    this.child.stdin.write(text + '\n');
    await this.waitFor(until, from);
    // and then the prompt after it
    const m = await this.waitFor(PROMPT, from);
    return this.out.slice(from, from + m.index);
  }

  /** Types `text` and waits for the pause it leads to: { file, line, text }. */
  async cmdBreak(text) {
    const from = this.out.length;
    this.child.stdin.write(text + '\n');
    const m = await this.waitFor(new RegExp(BREAK.source + '[\\s\\S]*?debug> $'), from);
    return { file: m[1], line: Number(m[2]), text: m[0] };
  }
}

/** qjs --inspect-brk on `script` and `node inspect` attached, at its first pause. */
async function start(t, script) {
  const proc = await startQjs(t, script);
  const ni = new NodeInspect(t, proc.port);
  await ni.waitFor(/connecting to 127\.0\.0\.1:\d+ \.\.\. ok/);
  const m = await ni.waitFor(new RegExp(BREAK.source + '[\\s\\S]*?debug> $'));
  return { proc, ni, first: { file: m[1], line: Number(m[2]) } };
}

test('node inspect: attaches and stops at the first statement', T, async (t) => {
  const { ni, first, proc } = await start(t, 'steps.js');
  assert.equal(first.file, 'steps.js');
  assert.equal(first.line, line('steps.js', 'TOP_CALL'));
  assert.equal(proc.stdout, '', 'nothing ran yet');
  // `list` shows the source around the pause.
  const listed = await ni.cmd('list(1)', /\d+ /);
  assert.match(listed, />\s*11 const out = middle\(3\);/);
});

test("node inspect: sb('file.js', line), cont, exec, bt", T, async (t) => {
  const { ni } = await start(t, 'steps.js');
  const bpLine = line('steps.js', 'MIDDLE_CALL');
  const set = await ni.cmd(`sb('steps.js', ${bpLine})`, /\d+ /);
  assert.doesNotMatch(set, /Error|not loaded yet/, set);
  assert.match(set, new RegExp(`\\*?\\s*${bpLine} +const a = inner\\(v\\);`), 'the snippet of the breakpoint line');
  const list = await ni.cmd('breakpoints', /#0/);
  assert.match(list, new RegExp(`#0 steps\\.js:${bpLine}`));
  const hit = await ni.cmdBreak('cont');
  assert.deepEqual([hit.file, hit.line], ['steps.js', bpLine]);
  assert.match(await ni.cmd('exec v', /\d/), /^3\n?$/m);
  assert.match(await ni.cmd('exec typeof inner', /'/), /'function'/);
  assert.match(await ni.cmd('exec [v, v * 2]', /\]/), /\[ 3, 6 \]/);
  const bt = await ni.cmd('bt', /#1/);
  assert.match(bt, new RegExp(`#0 middle steps\\.js:${bpLine}:\\d+`));
  assert.match(bt, new RegExp(`#1 \\(anonymous\\) steps\\.js:${line('steps.js', 'TOP_CALL')}:\\d+`));
});

test('node inspect: step, next, out', T, async (t) => {
  const { ni } = await start(t, 'steps.js');
  await ni.cmd(`sb('steps.js', ${line('steps.js', 'MIDDLE_CALL')})`, /\d+ /);
  await ni.cmdBreak('cont');
  const inInner = await ni.cmdBreak('step');
  assert.deepEqual([inInner.file, inInner.line], ['steps.js', line('steps.js', 'INNER_1')]);
  assert.match(await ni.cmd('bt', /#2/), /#0 inner steps\.js[\s\S]*#1 middle[\s\S]*#2 \(anonymous\)/);
  const next = await ni.cmdBreak('next');
  assert.equal(next.line, line('steps.js', 'INNER_2'));
  assert.match(await ni.cmd('exec doubled', /\d/), /^6$/m);
  const out = await ni.cmdBreak('out');
  // Back in middle: on the call's line (V8) or the next statement.
  assert.ok([line('steps.js', 'MIDDLE_CALL'), line('steps.js', 'MIDDLE_AFTER')].includes(out.line), `out -> ${out.line}`);
  assert.match(await ni.cmd('bt', /#1/), /#0 middle steps\.js/);
  const after = await ni.cmdBreak('next');
  assert.ok(after.line > out.line && after.line <= line('steps.js', 'MIDDLE_RET'), `next -> ${after.line}`);
});

test("node inspect: cb('file.js', line) clears, cont runs to the end", T, async (t) => {
  const { ni, proc } = await start(t, 'basic.js');
  const loop = line('basic.js', 'LOOP_BODY');
  await ni.cmd(`sb('basic.js', ${loop})`, /\d+ /);
  const first = await ni.cmdBreak('cont');
  assert.equal(first.line, loop);
  assert.match(await ni.cmd('exec i', /\d/), /^0$/m);
  const second = await ni.cmdBreak('cont');
  assert.equal(second.line, loop);
  assert.match(await ni.cmd('exec i', /\d/), /^1$/m);
  const cleared = await ni.cmd(`cb('basic.js', ${loop})`);
  assert.doesNotMatch(cleared, /Could not find breakpoint/, cleared);
  assert.match(await ni.cmd('breakpoints', /No breakpoints yet|#0/), /No breakpoints yet/);
  const from = ni.out.length;
  ni.child.stdin.write('cont\n');
  await withTimeout(
    (async () => { while (!/basic done 20 10/.test(proc.stdout)) await new Promise((r) => setTimeout(r, 20)); })(),
    TIMEOUT,
    `the script's output (stdout: ${JSON.stringify(proc.stdout)})`,
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.doesNotMatch(ni.out.slice(from), BREAK, 'no pause after the breakpoint was cleared');
});
