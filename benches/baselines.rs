//! `cargo bench --bench baselines`: the vertical slice's figures, each as a
//! ratio against a baseline measured in the same run.
//!
//! 1. ns per call of `#[js] fn add(a: i32, b: i32) -> i32` vs the same function
//!    hand-written in C against the QuickJS API (benches/c_add.c, registered
//!    with JS_NewCFunction) vs a pure JS function; the same as a method
//!    (`Adder.add`, a `#[js]` method on `&self`, vs the C function as a
//!    method of a plain object vs a JS method); and `#[js] fn strlen(s: &str)
//!    -> i32` (and the same taking a `String`) on a 100-byte ASCII string
//!    vs a C function using `JS_ToCStringLen`; and an arity error
//!    thrown and caught (`add(1)`) vs the C function's `JS_ThrowTypeError`
//!    vs a JS function throwing a `TypeError`. When valgrind is installed,
//!    also the instructions per call of each (callgrind, the difference of
//!    two run lengths of the one loop, so setup does not count).
//! 2. CPU and wall time of N concurrent `sleep(1)` (Rust, through the async
//!    bridge) vs N `os.sleepAsync(1)` (qjs' own timers), in the same qjs;
//!    and, when valgrind is installed, the instructions of each (callgrind:
//!    stable where times are not; `QJS_BENCH_NO_CALLGRIND=1` skips them).
//! 3. CPU used by a qjs process waiting 2 s on `sleep(2000)`.
//! 4. Upstream behaviour: our patched qjs vs upstream's unpatched qjs (built
//!    here from the pristine sources with the same compiler and flags) on
//!    upstream's `tests/microbench.js`, two interleaved runs each, printing the
//!    median of the per-test ratios and the totals (about four minutes; skip with
//!    `QJS_BENCH_SKIP_UPSTREAM=1`).
//!
//! `QJS_BENCH_CALLS_ONLY=1` runs the first part only.

use quickjs::{js, sys};
use std::ffi::CString;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[js]
fn add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

#[js]
fn strlen(s: &str) -> i32 {
    s.len() as i32
}

/// The same with an owned `String` (one copy of the bytes).
#[js]
fn strlen_owned(s: String) -> i32 {
    s.len() as i32
}

/// A class whose method does what `add` does: a method call costs the
/// function call plus finding the receiver's Rust value (class lookup,
/// borrow flag).
#[js]
#[derive(Default)]
pub struct Adder {
    calls: u32,
}

#[js]
impl Adder {
    #[js(constructor)]
    pub fn new() -> Self {
        Adder { calls: 0 }
    }
    pub fn add(&self, a: i32, b: i32) -> i32 {
        let _ = self.calls;
        a.wrapping_add(b)
    }
    #[js(get)]
    pub fn level(&self) -> i32 {
        self.calls as i32
    }
    #[js(set)]
    pub fn set_level(&mut self, n: i32) {
        self.calls = n as u32;
    }
}

quickjs::module!(static BENCH = "bench" { add, strlen, strlen_owned } classes { Adder });

// Compiled by build.rs.
#[link(name = "bench_c_add", kind = "static")]
extern "C" {
    fn bench_c_add(
        ctx: *mut sys::JSContext,
        this: sys::JSValue,
        argc: i32,
        argv: *mut sys::JSValue,
    ) -> sys::JSValue;
    fn bench_c_strlen(
        ctx: *mut sys::JSContext,
        this: sys::JSValue,
        argc: i32,
        argv: *mut sys::JSValue,
    ) -> sys::JSValue;
    fn bench_c_adder_new(ctx: *mut sys::JSContext) -> sys::JSValue;
    fn bench_c_adder_accessors(ctx: *mut sys::JSContext);
}

/// Calls per timed loop (`QJS_BENCH_CALLS` overrides, e.g. for callgrind).
fn calls() -> u32 {
    std::env::var("QJS_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000)
}

fn main() {
    println!(
        "== native call: ns per call, best of 9 runs of {} calls ==",
        calls()
    );
    call_benchmark();
    if only_loop().is_none()
        && valgrind_available()
        && std::env::var_os("QJS_BENCH_NO_CALLGRIND").is_none()
    {
        call_instructions();
    }
    if std::env::var_os("QJS_BENCH_CALLS_ONLY").is_some() {
        return;
    }
    println!();
    println!("== async: N concurrent sleeps in qjs (release build), best of 5 interleaved runs ==");
    for n in [10_000, 100_000] {
        let rust_src = sleeps_script("import { sleep } from 'rust'", "sleep", n);
        let os_src = sleeps_script("import * as os from 'qjs:os'", "os.sleepAsync", n);
        // Best of 5 interleaved runs each: single runs of a whole process
        // swing by tens of percent on a shared machine.
        let (mut rust, mut os) = (
            (Duration::MAX, Duration::MAX),
            (Duration::MAX, Duration::MAX),
        );
        for _ in 0..5 {
            let r = qjs_script(&rust_src);
            let o = qjs_script(&os_src);
            rust = (rust.0.min(r.0), rust.1.min(r.1));
            os = (os.0.min(o.0), os.1.min(o.1));
        }
        println!(
            "{n:>7} x sleep(1): rust  cpu {:>7.1} ms  wall {:>7.1} ms | os.sleepAsync cpu {:>7.1} ms  wall {:>7.1} ms | ratio cpu {:.2}x wall {:.2}x",
            ms(rust.0),
            ms(rust.1),
            ms(os.0),
            ms(os.1),
            ms(rust.0) / ms(os.0),
            ms(rust.1) / ms(os.1)
        );
    }
    if valgrind_available() && std::env::var_os("QJS_BENCH_NO_CALLGRIND").is_none() {
        // Instructions do not swing with the machine's load as times do.
        println!("   instructions (callgrind, one run each; QJS_BENCH_NO_CALLGRIND=1 skips):");
        for n in [10_000, 100_000] {
            let rust = qjs_instructions(&sleeps_script("import { sleep } from 'rust'", "sleep", n));
            let os = qjs_instructions(&sleeps_script(
                "import * as os from 'qjs:os'",
                "os.sleepAsync",
                n,
            ));
            println!(
                "{n:>7} x sleep(1): rust {:>7.1} M | os.sleepAsync {:>7.1} M | ratio {:.3}x",
                rust as f64 / 1e6,
                os as f64 / 1e6,
                rust as f64 / os as f64
            );
        }
    }
    let idle = qjs_script("import { sleep } from 'rust'\nawait sleep(2000)\n");
    let idle_os = qjs_script("import * as os from 'qjs:os'\nawait os.sleepAsync(2000)\n");
    println!(
        "idle 2 s: rust sleep cpu {:.1} ms wall {:.0} ms | os.sleepAsync cpu {:.1} ms wall {:.0} ms",
        ms(idle.0), ms(idle.1), ms(idle_os.0), ms(idle_os.1)
    );
    if std::env::var_os("QJS_BENCH_SKIP_UPSTREAM").is_none() {
        println!();
        println!("== upstream behaviour: patched vs unpatched qjs ==");
        upstream_comparison();
    }
}

fn upstream_comparison() {
    let upstream = build_upstream_qjs();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/quickjs-sys/quickjs");
    // Each test's time (ns) in one run of microbench.js.
    let run = |qjs: &std::path::Path| -> Vec<(String, f64)> {
        let out = Command::new(qjs)
            .arg("tests/microbench.js")
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} failed on microbench.js ({})\nstderr:\n{}",
            qjs.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let time = f.get(2).or(f.get(1))?.parse().ok()?;
                Some((f[0].to_owned(), time))
            })
            .collect()
    };
    // Two interleaved runs each, the best time per test.
    let ours_exe = std::path::PathBuf::from(env!("CARGO_BIN_EXE_qjs"));
    let (mut ours, mut theirs) = (run(&ours_exe), run(&upstream));
    let best = |acc: &mut Vec<(String, f64)>, next: Vec<(String, f64)>| {
        for ((_, a), (_, b)) in acc.iter_mut().zip(next) {
            *a = a.min(b);
        }
    };
    best(&mut theirs, run(&upstream));
    best(&mut ours, run(&ours_exe));
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(&theirs)
        .filter(|((n, _), (m, _))| n == m && n != "total")
        .map(|((_, a), (_, b))| a / b)
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let total = |v: &[(String, f64)]| {
        v.iter()
            .find(|(n, _)| n == "total")
            .map_or(f64::NAN, |t| t.1)
    };
    println!(
        "microbench.js, best of 2 interleaved runs: per-test median ratio {median:.3}x (patched / upstream, {} tests); total {:.1} | {:.1} ({:.3}x)",
        ratios.len(),
        total(&ours),
        total(&theirs),
        total(&ours) / total(&theirs)
    );
    if valgrind_available() && std::env::var_os("QJS_BENCH_NO_CALLGRIND").is_none() {
        // Times within a few percent are noise here; the interpreter's
        // instructions per iteration are not (a poll GCC folded into an
        // out-of-line call once cost 12 of 114, patch 0005).
        let per_iteration = |qjs: &std::path::Path, body: &str| {
            let run = |n: u64| {
                let mut cmd = Command::new(qjs);
                cmd.arg(script_file(&format!(
                    "function f(n) {{ var g = 0; for (var j = 0; j < n; j++) {{ {body} }} return g }}\nf({n})\n"
                )));
                callgrind(cmd).0
            };
            (run(200_000) - run(100_000)) as f64 / 100_000.0
        };
        for (name, body) in [
            ("empty loop", ""),
            ("local arithmetic", "g = (g + j * 3) | 0;"),
            ("property access", "g += Math.PI;"),
        ] {
            let (a, b) = (
                per_iteration(&ours_exe, body),
                per_iteration(&upstream, body),
            );
            println!(
                "   {name:<17} instructions per iteration (callgrind): {a:.1} | {b:.1} ({:.3}x)",
                a / b
            );
        }
    }
}

/// Compiles upstream's qjs, unpatched, like its CMake Release build (cached).
fn build_upstream_qjs() -> std::path::PathBuf {
    let src = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/quickjs-sys/quickjs"));
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("upstream-qjs");
    let exe = out.join("qjs");
    if exe.exists() {
        return exe;
    }
    std::fs::create_dir_all(&out).unwrap();
    let files = [
        "dtoa.c",
        "libregexp.c",
        "libunicode.c",
        "quickjs.c",
        "quickjs-libc.c",
        "qjs.c",
        "gen/repl.c",
        "gen/standalone.c",
    ];
    let flags = [
        "-O3",
        "-DNDEBUG",
        "-std=gnu11",
        "-funsigned-char",
        "-D_GNU_SOURCE",
        "-DQUICKJS_NG_BUILD",
        "-w",
    ];
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            let obj = out.join(f.replace('/', "_")).with_extension("o");
            let child = Command::new("cc")
                .args(flags)
                .arg("-I")
                .arg(src)
                .arg("-c")
                .arg(src.join(f))
                .arg("-o")
                .arg(&obj)
                .spawn()
                .unwrap();
            (child, obj)
        })
        .collect();
    let objs: Vec<_> = children
        .into_iter()
        .map(|(mut c, o)| {
            let status = c.wait().unwrap();
            assert!(
                status.success(),
                "compiling {} failed ({status})",
                o.display()
            );
            o
        })
        .collect();
    let ok = Command::new("cc")
        .args(&objs)
        .args(["-o"])
        .arg(&exe)
        .args(["-lm", "-lpthread", "-ldl"])
        .status()
        .unwrap();
    assert!(ok.success(), "linking upstream qjs failed ({ok})");
    exe
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn call_benchmark() {
    // SAFETY: a private runtime and context, freed at the end of this block;
    // every value is freed or handed to the engine.
    unsafe {
        let rt = sys::JS_NewRuntime();
        let ctx = sys::JS_NewContext(rt);
        compare(
            ctx,
            "#[js] fn add(i32, i32) -> i32",
            "add",
            (BENCH.function("add").unwrap().func, bench_c_add, 2),
            "function js_add(a, b) { return (a + b) | 0 }",
            ("(40, 2)", 42),
            "(i, 1)",
        );
        method_benchmark(ctx);
        accessor_benchmark(ctx);
        error_benchmark(ctx);
        compare(
            ctx,
            "#[js] fn strlen(&str) -> i32 ",
            "strlen",
            (BENCH.function("strlen").unwrap().func, bench_c_strlen, 1),
            "function js_strlen(s) { return s.length }",
            ("('hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, he')", 100),
            "('hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, he')",
        );
        compare(
            ctx,
            "#[js] fn strlen(String) -> i32",
            "strlen_owned",
            (BENCH.function("strlen_owned").unwrap().func, bench_c_strlen, 1),
            "function js_strlen_owned(s) { return s.length }",
            ("('hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, he')", 100),
            "('hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, hello, world, he')",
        );
        sys::JS_FreeContext(ctx);
        sys::JS_FreeRuntime(rt);
    }
}

/// ns per getter and per setter call: `Adder.level` (`#[js(get)]` and
/// `#[js(set)]`) vs the C class's `JS_CGETSET_DEF` accessors (receiver
/// checked with `JS_GetOpaque2`) vs a JS class's (objects of
/// `method_benchmark`).
unsafe fn accessor_benchmark(ctx: *mut sys::JSContext) {
    bench_c_adder_accessors(ctx);
    eval(
        ctx,
        "globalThis.js_obj = new (class { #n = 0; add(a, b) { return (a + b) | 0 } get level() { return this.#n } set level(v) { this.#n = v | 0 } })()",
    );
    let objs = ["rust_obj", "c_obj", "js_obj"];
    for o in objs {
        eval(ctx, &format!("{o}.level = 7"));
        assert_eq!(
            sys::JS_VALUE_GET_INT(eval(ctx, &format!("{o}.level"))),
            7,
            "{o}"
        );
    }
    let n = calls();
    let best = best_of_9(ctx, objs, n, |o| {
        format!("(() => {{ const o = {o}; let s = 0; for (let i = 0; i < {n}; i++) s = o.level; return s }})()")
    });
    report(
        "#[js(get)] level(&self) -> i32  ",
        (
            "  a C class's getter (CGETSET)   ",
            "  a JS class's getter            ",
        ),
        best,
    );
    let best = best_of_9(ctx, objs, n, |o| {
        format!("(() => {{ const o = {o}; for (let i = 0; i < {n}; i++) o.level = i; return o.level }})()")
    });
    report(
        "#[js(set)] set_level(&mut self)  ",
        (
            "  a C class's setter (CGETSET)   ",
            "  a JS class's setter            ",
        ),
        best,
    );
}

/// ns per arity error thrown and caught: `add(1)` on the `#[js]` function
/// vs the C function (`JS_ThrowTypeError` with its message) vs a JS
/// function throwing a `TypeError` (installed by `compare` above).
unsafe fn error_benchmark(ctx: *mut sys::JSContext) {
    eval(
        ctx,
        "globalThis.js_add_strict = function (a, b) { if (arguments.length < 2) throw new TypeError('add: expected 2 arguments, got ' + arguments.length); return (a + b) | 0 }",
    );
    // Errors cost about a microsecond: a tenth of the calls.
    let n = (calls() / 10).max(1);
    let best = best_of_9(ctx, ["rust_add", "c_add", "js_add_strict"], n, |f| {
        format!("(() => {{ const f = {f}; let s = 0; for (let i = 0; i < {n}; i++) try {{ f(i) }} catch (e) {{ s++ }} if (s !== {n}) throw new Error('no error'); return s }})()")
    });
    report(
        "arity error thrown and caught   ",
        (
            "  hand-written C                 ",
            "  pure JS function               ",
        ),
        best,
    );
}

/// ns per call of `Adder.add` (a `#[js]` method on `&self`) vs the C
/// function called as a method of a plain object vs a JS method.
unsafe fn method_benchmark(ctx: *mut sys::JSContext) {
    let c = quickjs::Ctx::from_raw(ctx);
    BENCH.add_to(c).unwrap();
    let _: quickjs::Value = c
        .eval_with(
            "import { Adder } from 'bench'; globalThis.rust_obj = new Adder()",
            "bench.js",
            quickjs::EvalKind::Module,
        )
        .unwrap();
    let global = sys::JS_GetGlobalObject(ctx);
    // A C class instance, `add` on its prototype (benches/c_add.c), as the
    // #[js] class's method is.
    sys::JS_SetPropertyStr(ctx, global, c"c_obj".as_ptr(), bench_c_adder_new(ctx));
    sys::JS_FreeValue(ctx, global);
    eval(
        ctx,
        "globalThis.js_obj = new (class { add(a, b) { return (a + b) | 0 } })()",
    );
    let objs = ["rust_obj", "c_obj", "js_obj"];
    for o in objs {
        assert_eq!(
            sys::JS_VALUE_GET_INT(eval(ctx, &format!("{o}.add(40, 2)"))),
            42,
            "{o}"
        );
    }
    let n = calls();
    let best = best_of_9(ctx, objs, n, |o| {
        format!("(() => {{ const o = {o}; let s = 0; for (let i = 0; i < {n}; i++) s = o.add(i, 1); return s }})()")
    });
    report(
        "#[js] method add(&self, i32, i32) ",
        (
            "  a C class's method (GetOpaque2)",
            "  a JS class's method            ",
        ),
        best,
    );
}

type CFn =
    unsafe extern "C" fn(*mut sys::JSContext, sys::JSValue, i32, *mut sys::JSValue) -> sys::JSValue;

/// ns per call of the `#[js]` function, the C function and a JS function
/// (`rust_<name>`, `c_<name>`, `js_<name>`), best of 9 interleaved rounds.
unsafe fn compare(
    ctx: *mut sys::JSContext,
    label: &str,
    name: &str,
    (rust_fn, c_fn, length): (CFn, CFn, i32),
    js_def: &str,
    (check_args, expected): (&str, i32),
    loop_args: &str,
) {
    let global = sys::JS_GetGlobalObject(ctx);
    for (prefix, f) in [("rust", rust_fn), ("c", c_fn)] {
        let global_name = CString::new(format!("{prefix}_{name}")).unwrap();
        let cname = CString::new(name).unwrap();
        let func = sys::JS_NewCFunction(ctx, Some(f), cname.as_ptr(), length);
        sys::JS_SetPropertyStr(ctx, global, global_name.as_ptr(), func);
    }
    sys::JS_FreeValue(ctx, global);
    eval(ctx, js_def);
    let fs = ["rust", "c", "js"].map(|p| format!("{p}_{name}"));
    for f in &fs {
        let check = eval(ctx, &format!("{f}{check_args}"));
        assert_eq!(sys::JS_VALUE_GET_INT(check), expected, "{f}");
    }
    // A local binding keeps global lookups out of the loop.
    let n = calls();
    let best = best_of_9(ctx, fs.each_ref().map(String::as_str), n, |f| {
        format!("(() => {{ const f = {f}; let s = 0; for (let i = 0; i < {n}; i++) s = f{loop_args}; return s }})()")
    });
    report(
        &format!("{label}   "),
        (
            "  hand-written C                 ",
            "  pure JS function               ",
        ),
        best,
    );
}

/// ns per call of each of the three (Rust, C, JS) loops that `src` makes
/// of `n` calls: the best of 9 interleaved rounds.
unsafe fn best_of_9(
    ctx: *mut sys::JSContext,
    names: [&str; 3],
    n: u32,
    src: impl Fn(&str) -> String,
) -> [f64; 3] {
    if let Some(k) = only_loop() {
        // A callgrind child: the one loop asked for, once.
        for name in names {
            if LOOPS_SEEN.fetch_add(1, Ordering::Relaxed) == k {
                eval(ctx, &src(name));
                println!("calls {n}");
            }
        }
        return [1.0; 3];
    }
    let mut best = [f64::MAX; 3];
    for _ in 0..9 {
        for (i, name) in names.iter().enumerate() {
            let src = src(name);
            let t = Instant::now();
            eval(ctx, &src);
            best[i] = best[i].min(t.elapsed().as_secs_f64() * 1e9 / n as f64);
        }
    }
    best
}

/// Prints the three rows of one comparison, as ratios to the C function.
fn report(rust_row: &str, (c_row, js_row): (&str, &str), [rust, c, js]: [f64; 3]) {
    if only_loop().is_some() {
        return;
    }
    println!(
        "{rust_row}{rust:6.2} ns/call   {:.3}x the C function",
        rust / c
    );
    println!("{c_row}{c:6.2} ns/call   1.000x");
    println!("{js_row}{js:6.2} ns/call   {:.3}x the C function", js / c);
}

/// Evaluates a script; panics on an exception. Returns the (primitive) result.
unsafe fn eval(ctx: *mut sys::JSContext, src: &str) -> sys::JSValue {
    let code = CString::new(src).unwrap();
    let v = sys::JS_Eval(ctx, code.as_ptr(), src.len(), c"<bench>".as_ptr(), 0);
    assert!(!sys::JS_IsException(v), "exception in {src}");
    v
}

/// Runs a module in the release qjs; returns its (CPU, wall) time.
/// A module awaiting `n` concurrent `sleep(1)`s.
fn sleeps_script(import: &str, sleep: &str, n: usize) -> String {
    format!("{import}\nawait Promise.all(Array.from({{ length: {n} }}, () => {sleep}(1)))\n")
}

fn valgrind_available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Writes `src` to this benchmark's script file; returns its path.
fn script_file(src: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("quickjs-rust-bench-{}.js", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(src.as_bytes())
        .unwrap();
    path
}

/// Instructions the release qjs executes running `src` (callgrind).
fn qjs_instructions(src: &str) -> u64 {
    let mut qjs = Command::new(env!("CARGO_BIN_EXE_qjs"));
    qjs.arg(script_file(src));
    callgrind(qjs).0
}

/// Runs `cmd` under callgrind: the instructions it executed, its stdout.
fn callgrind(cmd: Command) -> (u64, String) {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "callgrind failed ({}):\n{stderr}",
        out.status
    );
    let instructions = stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in:\n{stderr}"));
    (
        instructions,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// In a callgrind child of [`call_instructions`]: which loop to run (by its
/// order in [`call_benchmark`]), once, timing nothing.
fn only_loop() -> Option<usize> {
    std::env::var("QJS_BENCH_LOOP").ok()?.parse().ok()
}

/// Loops met so far in a callgrind child.
static LOOPS_SEEN: AtomicUsize = AtomicUsize::new(0);

/// Instructions per call of every loop of [`call_benchmark`]: this program
/// under callgrind running one loop at two lengths; the difference divided
/// by the difference in calls leaves out the setup.
fn call_instructions() {
    println!("   instructions per iteration of each loop above, the call and the loop around it");
    println!("   (callgrind; QJS_BENCH_NO_CALLGRIND=1 skips):");
    let per_call = |k: usize| {
        let run = |calls: u32| {
            let mut me = Command::new(std::env::current_exe().unwrap());
            me.env("QJS_BENCH_CALLS_ONLY", "1")
                .env("QJS_BENCH_LOOP", k.to_string())
                .env("QJS_BENCH_CALLS", calls.to_string());
            let (instructions, stdout) = callgrind(me);
            let n: u64 = stdout
                .lines()
                .find_map(|l| l.strip_prefix("calls "))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("loop {k} did not run:\n{stdout}"));
            (instructions, n)
        };
        let (short, long) = (run(2_000), run(22_000));
        (long.0 - short.0) as f64 / (long.1 - short.1) as f64
    };
    // The loops in the order call_benchmark runs them, three per row.
    let rows = [
        "add(i32, i32)",
        "method add",
        "getter",
        "setter",
        "arity error",
        "strlen(&str)",
        "strlen(String)",
    ];
    for (i, row) in rows.iter().enumerate() {
        let [rust, c, js] = [0, 1, 2].map(|j| per_call(3 * i + j));
        println!(
            "   {row:<15} #[js] {rust:>7.0} | C {c:>7.0} | JS {js:>7.0} | #[js]/C {:.3}x",
            rust / c
        );
    }
}

fn qjs_script(src: &str) -> (Duration, Duration) {
    let path = script_file(src);
    let start = Instant::now();
    // Reaped by wait4 below (which also reports its rusage).
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_qjs"))
        .arg(&path)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: a zeroed rusage (plain integers) is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our unreaped child; the pointers are to locals.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    // A signal (a segfault, the engine's leak assertion: abort) is a failure
    // too, not an exit code of 0 (WEXITSTATUS reads 0 from a killed child).
    let status = std::process::ExitStatus::from_raw(status);
    if let Some(signal) = status.signal() {
        panic!("qjs was killed by signal {signal} ({status}) on {src} (its stderr is above)");
    }
    assert!(status.success(), "qjs failed ({status}) on {src}");
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (tv(usage.ru_utime) + tv(usage.ru_stime), wall)
}
