//! The `qjs` binary end to end: the README scenario, CPU while waiting,
//! concurrency, qjs:os timers, Workers and error exits.

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    wall: Duration,
    cpu: Duration,
}

/// Runs qjs with `args` and measures the child's own wall and CPU time.
fn qjs(args: &[&str]) -> Run {
    let start = Instant::now();
    // Reaped by wait4 below (which also reports its rusage).
    #[allow(clippy::zombie_processes)]
    let mut child = Command::new(env!("CARGO_BIN_EXE_qjs"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn qjs");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).unwrap();
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    // wait4 (not Child::wait) reaps the child and reports its own rusage.
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage (plain integers) is valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our unreaped child; the pointers are to locals.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid);
    let wall = start.elapsed();
    let (stdout, stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    // A qjs killed by a signal (a segfault, the engine's leak assertion at
    // teardown: abort) has no exit code: fail here, whatever it printed.
    let status = ExitStatus::from_raw(status);
    if let Some(signal) = status.signal() {
        panic!(
            "qjs {args:?} was killed by signal {signal} ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
    }
    Run {
        status: status
            .code()
            .expect("an exit code (not stopped: wait4 without WUNTRACED)"),
        stdout,
        stderr,
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
    }
}

fn script(name: &str, src: &str) -> String {
    let dir = std::env::temp_dir().join(format!("quickjs-rust-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(src.as_bytes())
        .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_readme_example_runs_as_specified() {
    let r = qjs(&["examples/test.js"]);
    assert_eq!(r.status, 0, "stderr: {}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    // Module namespaces list exports sorted (Bellard) or as declared (ng).
    let mut exports: Vec<&str> = lines[0]
        .strip_prefix("export from rust : ")
        .unwrap_or_else(|| panic!("{}", r.stdout))
        .split(',')
        .collect();
    exports.sort();
    assert_eq!(exports, ["checksum", "fib", "sleep"]);
    assert_eq!(lines[1], "begin sleep 2s");
    assert_eq!(lines[2], "sleep done");
    assert_eq!(lines[3], "fib(3) = 6");
    assert_eq!(lines[4], "TypeError fib: expected 1 argument, got 0");
    assert_eq!(lines[5].trim(), "at fib (native)");
    assert!(
        lines[6]
            .trim()
            .starts_with("at <anonymous> (examples/test.js:7"),
        "{}",
        lines[6]
    );
    assert_eq!(
        *lines.last().unwrap(),
        "TypeError fib: argument 1: expected number, got string"
    );
    // The sleep really takes 2 s, and waiting costs (almost) no CPU: no
    // polling, no spinning, although the script never imports qjs:os.
    assert!(r.wall >= Duration::from_millis(2000), "wall {:?}", r.wall);
    assert!(r.wall < Duration::from_millis(3500), "wall {:?}", r.wall);
    assert!(
        r.cpu < Duration::from_millis(300),
        "cpu {:?} while sleeping 2 s",
        r.cpu
    );
}

#[test]
fn waiting_with_qjs_os_imported_does_not_spin_either() {
    let path = script("os.js", "import * as os from 'qjs:os'\nimport { sleep } from 'rust'\nlet t = 0\nos.setTimeout(() => t++, 100)\nawait sleep(1000)\nconsole.log('timer', t)\n");
    let r = qjs(&["--module", &path]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "timer 1\n"),
        "stderr: {}",
        r.stderr
    );
    assert!(r.wall >= Duration::from_millis(1000), "wall {:?}", r.wall);
    assert!(r.cpu < Duration::from_millis(300), "cpu {:?}", r.cpu);
}

#[test]
fn a_thousand_concurrent_sleeps_settle_in_qjs() {
    let path = script("many.js", "import { sleep, fib } from 'rust'\nconst t0 = Date.now()\nawait Promise.all(Array.from({ length: 1000 }, () => sleep(100)))\nconsole.log('done', Date.now() - t0 < 1500, fib(10))\n");
    let r = qjs(&[&path]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "done true 55\n"),
        "stderr: {}",
        r.stderr
    );
}

#[test]
fn an_unhandled_rejection_and_an_uncaught_type_error_exit_nonzero() {
    let path = script("uncaught.js", "import { fib } from 'rust'\nfib('x')\n");
    let r = qjs(&[&path]);
    assert_eq!(r.status, 1);
    assert!(
        r.stderr
            .contains("TypeError: fib: argument 1: expected number, got string"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("at fib (native)"), "{}", r.stderr);
}

/// The harness itself: a qjs that dies of a signal (here it sends itself
/// SIGABRT, as the engine's leak assertion at teardown would) fails the
/// test that ran it, whatever its output, and says which signal.
#[test]
#[should_panic(expected = "killed by signal 6")]
fn a_qjs_killed_by_a_signal_fails_the_test() {
    qjs(&[
        "--std",
        "-e",
        "console.log('done'); os.kill(os.getpid(), os.SIGABRT)",
    ]);
}

#[test]
fn eval_option_and_std_modules_still_work() {
    let r = qjs(&["--std", "-e", "std.printf('%d\\n', 6 * 7)"]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "42\n"),
        "stderr: {}",
        r.stderr
    );
}

#[test]
fn workers_get_their_own_rust_module() {
    let worker = script("worker.js", "import * as os from 'qjs:os'\nimport { sleep, fib } from 'rust'\nconst parent = os.Worker.parent\nparent.onmessage = async (e) => { await sleep(50); parent.postMessage(fib(e.data)); parent.onmessage = null }\n");
    let main = script("main.js", &format!("import * as os from 'qjs:os'\nconst w = new os.Worker({worker:?})\nw.onmessage = (e) => {{ console.log('worker says', e.data); w.onmessage = null }}\nw.postMessage(4)\n"));
    let r = qjs(&[&main]);
    assert_eq!(
        (r.status, r.stdout.as_str()),
        (0, "worker says 10\n"),
        "stderr: {}",
        r.stderr
    );
}

#[test]
fn qjs_compiles_a_script_into_a_standalone_executable_with_the_rust_module() {
    // `qjs -c FILE -o OUT`: upstream's standalone executables (a copy of
    // this qjs with the script's bytecode appended), so `rust` is built in.
    let src = script(
        "standalone.js",
        "import { fib, sleep } from 'rust'; await sleep(5); console.log('fib(3) =', fib(3));",
    );
    let exe = format!("{src}.exe");
    let built = qjs(&["-c", &src, "-o", &exe]);
    assert_eq!(built.status, 0, "{}", built.stderr);
    let out = Command::new(&exe)
        .output()
        .expect("run the standalone executable");
    assert!(
        out.status.success(),
        "the standalone executable failed ({})\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "fib(3) = 6\n");
    std::fs::remove_file(&exe).unwrap();
}
