//! The inspector from a Rust host, with a WebSocket client speaking the
//! Chrome DevTools Protocol as Chrome, VS Code and `node inspect` do
//! (the same methods; tests/inspector/ runs those real clients against
//! qjs). Each test's client runs on its own thread; the runtime's thread
//! is the test's.

#[path = "support/cdp.rs"]
mod cdp;

use cdp::{served, turn_until, Client};
use quickjs::{Context, EvalKind, Inspector, Promise, Runtime};
use serde_json::{json, Value as Json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn listen(ctx: &Context) -> String {
    ctx.with(|ctx| Inspector::listen(ctx, "127.0.0.1:0", "main").map(|i| i.url().to_string()))
        .unwrap()
}

const APP: &str = "\
function add(a, b) {
  let s = a + b;
  return s;
}
let total = 0;
for (let i = 0; i < 3; i++) total = add(total, i);
total";

#[test]
fn a_rust_host_pauses_at_a_breakpoint_reads_and_writes_locals_and_steps() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let url = listen(&ctx);
    let client = std::thread::spawn(move || {
        let mut c = Client::connect(&url);
        c.call("Runtime.enable", json!({}));
        let created = c.event("Runtime.executionContextCreated");
        assert_eq!(created["context"]["name"], "main");
        c.call("Debugger.enable", json!({}));
        let bp = c.call(
            "Debugger.setBreakpointByUrl",
            json!({"url": "app.js", "lineNumber": 2, "condition": "a === 1"}),
        );
        c.call("Runtime.runIfWaitingForDebugger", json!({}));
        let parsed = c.event("Debugger.scriptParsed");
        assert_eq!(parsed["url"], "app.js");
        let sid = parsed["scriptId"].as_str().unwrap().to_string();
        let src = c.call("Debugger.getScriptSource", json!({"scriptId": sid}));
        assert_eq!(src["scriptSource"], APP);
        // The pause on the first statement (wait_for_debugger).
        let p = c.event("Debugger.paused");
        assert_eq!(p["callFrames"][0]["location"]["lineNumber"], 4);
        // The breakpoint landed where the client could not know yet.
        let possible = c.call(
            "Debugger.getPossibleBreakpoints",
            json!({"start": {"scriptId": sid, "lineNumber": 0}}),
        );
        let lines: Vec<i64> = possible["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["lineNumber"].as_i64().unwrap())
            .collect();
        assert_eq!(lines, [1, 2, 4, 5, 5, 6]);
        c.call("Debugger.resume", json!({}));
        c.event("Debugger.resumed");
        // Hit only when its condition holds: the third call, add(1, 2).
        let p = c.event("Debugger.paused");
        assert_eq!(p["hitBreakpoints"][0], bp["breakpointId"]);
        let top = &p["callFrames"][0];
        assert_eq!(top["functionName"], "add");
        assert_eq!(top["location"]["lineNumber"], 2);
        assert_eq!(p["callFrames"][1]["location"]["lineNumber"], 5);
        let scopes: Vec<&str> = top["scopeChain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["type"].as_str().unwrap())
            .collect();
        // `let total` at the top is a global lexical binding: the script scope.
        assert_eq!(scopes, ["local", "script", "global"]);
        let script = c.call(
            "Runtime.getProperties",
            json!({"objectId": top["scopeChain"][1]["object"]["objectId"], "ownProperties": true}),
        );
        assert_eq!(script["result"][0]["name"], "total");
        assert_eq!(script["result"][0]["value"]["value"], 1);
        let locals = c.call(
            "Runtime.getProperties",
            json!({"objectId": top["scopeChain"][0]["object"]["objectId"], "ownProperties": true}),
        );
        let names: Vec<String> = locals["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| format!("{}={}", p["name"].as_str().unwrap(), p["value"]["value"]))
            .collect();
        assert_eq!(names, ["a=1", "b=2", "s=3"]);
        let r = c.call(
            "Debugger.evaluateOnCallFrame",
            json!({"callFrameId": "0", "expression": "a * 100 + b * 10 + s"}),
        );
        assert_eq!(r["result"]["value"], 123);
        // A write the script then sees: add returns 1000 this once.
        c.call(
            "Debugger.evaluateOnCallFrame",
            json!({"callFrameId": "0", "expression": "s = 1000"}),
        );
        // Over the return: the loop ends (i = 3), the next statement is `total`.
        c.call("Debugger.stepOver", json!({}));
        let p = c.event("Debugger.paused");
        assert_eq!(p["callFrames"][0]["location"]["lineNumber"], 6, "{p}");
        c.call(
            "Debugger.removeBreakpoint",
            json!({"breakpointId": bp["breakpointId"]}),
        );
        c.call("Debugger.resume", json!({}));
        c
    });
    let total = ctx.with(|ctx| {
        Inspector::wait_for_debugger(ctx);
        ctx.eval_with::<i32>(APP, "app.js", EvalKind::Script)
    });
    let c = client.join().unwrap();
    // 0 + 0, 0 + 1, then 1 + 2 returned the 1000 written by the client.
    assert_eq!(total.unwrap(), 1000);
    drop(c);
    ctx.with(Inspector::stop);
}

#[test]
fn a_breakpoint_after_a_rust_await_pauses_and_other_threads_wait_for_the_resume() {
    let rt = Runtime::new().unwrap();
    let ctx = Arc::new(Context::full(&rt).unwrap());
    ctx.with(|ctx| {
        let later = quickjs::Function::new_async(ctx, "later", |ms: u64| async move {
            quickjs::sleep(Duration::from_millis(ms)).await;
            ms
        })?;
        ctx.globals().set("later", later)
    })
    .unwrap();
    let url = listen(&ctx);
    let resumed = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(AtomicBool::new(false));
    let (ctx2, resumed2, ready2) = (Arc::clone(&ctx), resumed.clone(), ready.clone());
    let client = std::thread::spawn(move || {
        let mut c = Client::connect(&url);
        c.call("Debugger.enable", json!({}));
        c.call(
            "Debugger.setBreakpointByUrl",
            json!({"urlRegex": "job\\.js$", "lineNumber": 3}),
        );
        ready2.store(true, Ordering::SeqCst);
        let p = c.event("Debugger.paused");
        let top = &p["callFrames"][0];
        assert_eq!(top["functionName"], "job");
        assert_eq!(top["location"]["lineNumber"], 3);
        let r = c.call(
            "Debugger.evaluateOnCallFrame",
            json!({"callFrameId": "0", "expression": "slept + before"}),
        );
        assert_eq!(r["result"]["value"], 15);
        // A constant stays one.
        let r = c.call(
            "Debugger.evaluateOnCallFrame",
            json!({"callFrameId": "0", "expression": "before = 1"}),
        );
        assert!(
            r["exceptionDetails"]["text"]
                .as_str()
                .unwrap()
                .contains("constant"),
            "{r}"
        );
        // Another thread wants the runtime while it is paused: it waits.
        let other = std::thread::spawn(move || {
            let n = ctx2.with(|ctx| ctx.eval::<i32>("40 + 2")).unwrap();
            (n, resumed2.load(Ordering::SeqCst))
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(!other.is_finished());
        resumed.store(true, Ordering::SeqCst);
        c.call("Debugger.resume", json!({}));
        other.join().unwrap()
    });
    // The runtime's loop serves the client (here, while idle) until its
    // breakpoint is set.
    turn_until(&rt, || ready.load(Ordering::SeqCst));
    let answer = ctx
        .with(|ctx| {
            ctx.eval_with::<Promise>(
                "async function job() {\n  const before = 5;\n  const slept = await later(10);\n  return slept + before;\n}\njob()",
                "job.js",
                EvalKind::Script,
            )?
            .into_future::<i32>()
        })
        .unwrap();
    assert_eq!(async_io::block_on(rt.run_until(answer)).unwrap(), 15);
    let (n, after_resume) = client.join().unwrap();
    assert_eq!(n, 42);
    assert!(
        after_resume,
        "the other thread ran while the runtime was paused"
    );
}

#[test]
fn a_client_gone_mid_pause_lets_the_script_finish() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let url = listen(&ctx);
    let client = std::thread::spawn(move || {
        let mut c = Client::connect(&url);
        c.call("Debugger.enable", json!({}));
        c.call("Runtime.runIfWaitingForDebugger", json!({}));
        c.event("Debugger.paused");
        drop(c); // no resume: the connection just goes
    });
    let total = ctx.with(|ctx| {
        Inspector::wait_for_debugger(ctx);
        ctx.eval_with::<i32>(APP, "app.js", EvalKind::Script)
    });
    client.join().unwrap();
    assert_eq!(total.unwrap(), 3);
}

#[test]
fn hostile_messages_get_protocol_errors_and_the_session_goes_on() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let url = listen(&ctx);
    let done = Arc::new(AtomicBool::new(false));
    let done2 = done.clone();
    let client = std::thread::spawn(move || {
        let mut c = Client::connect(&url);
        c.send_text("not json");
        assert_eq!(c.read()["error"]["code"], -32700);
        c.send_text("[1, 2]");
        assert_eq!(c.read()["error"]["code"], -32600);
        c.send_text(&"{".repeat(100_000));
        assert_eq!(c.read()["error"]["code"], -32700);
        let cases = [
            ("No.such", json!({}), -32601),
            ("Debugger.getScriptSource", json!({"scriptId": 5}), -32602),
            (
                "Debugger.setBreakpointByUrl",
                json!({"lineNumber": 1e300}),
                -32602,
            ),
            (
                "Debugger.setBreakpointByUrl",
                json!({"urlRegex": "(", "lineNumber": 1}),
                -32602,
            ),
            ("Debugger.setBreakpoint", json!({"location": 3}), -32602),
            ("Debugger.resume", json!({}), -32000),
            (
                "Debugger.evaluateOnCallFrame",
                json!({"callFrameId": "0", "expression": "1"}),
                -32000,
            ),
            (
                "Runtime.getProperties",
                json!({"objectId": "999999"}),
                -32000,
            ),
            (
                "Runtime.callFunctionOn",
                json!({"functionDeclaration": "function () {}", "objectId": "x"}),
                -32000,
            ),
            (
                "Debugger.setPauseOnExceptions",
                json!({"state": "sometimes"}),
                -32602,
            ),
            (
                "Runtime.evaluate",
                json!({"expression": "1", "contextId": 99}),
                -32000,
            ),
        ];
        for (method, params, code) in cases {
            let r = c.reply(method, params.clone());
            let got = r["error"]["code"].clone();
            assert_eq!(got, json!(code), "{method} {params}: {r}");
        }
        // An evaluation that throws is a result with exceptionDetails.
        let r = c.call("Runtime.evaluate", json!({"expression": "null.x"}));
        assert!(
            r["exceptionDetails"]["text"]
                .as_str()
                .unwrap()
                .contains("TypeError"),
            "{r}"
        );
        let r = c.call("Runtime.evaluate", json!({"expression": "6 * 7"}));
        assert_eq!(r["result"]["value"], 42);
        done2.store(true, Ordering::SeqCst);
    });
    turn_until(&rt, || done.load(Ordering::SeqCst) || client.is_finished());
    client.join().unwrap();
}

#[test]
fn the_profiler_finds_the_hot_function() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    let url = listen(&ctx);
    let client = std::thread::spawn(move || {
        let mut c = Client::connect(&url);
        c.call("Profiler.enable", json!({}));
        c.call("Profiler.start", json!({}));
        c.call("Runtime.runIfWaitingForDebugger", json!({}));
        c
    });
    ctx.with(Inspector::wait_for_debugger);
    let mut c = client.join().unwrap();
    // wait_for_debugger pauses at the next statement: no client debugger
    // session is enabled, so it runs on.
    ctx.with(|ctx| {
        ctx.eval_with::<f64>(
            "function hot(n) { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); return x; }\n\
             function cold() { return 1; }\n\
             let t = 0; for (let k = 0; k < 40; k++) t += hot(100000) + cold(); t",
            "prof.js",
            EvalKind::Script,
        )
    })
    .unwrap();
    let profile = served(&rt, move || c.call("Profiler.stop", json!({})))["profile"].clone();
    let nodes = profile["nodes"].as_array().unwrap();
    let samples = profile["samples"].as_array().unwrap();
    assert_eq!(
        samples.len(),
        profile["timeDeltas"].as_array().unwrap().len()
    );
    assert!(samples.len() > 10, "{} samples", samples.len());
    let self_count = |name: &str| {
        let ids: Vec<&Json> = nodes
            .iter()
            .filter(|n| n["callFrame"]["functionName"] == name)
            .map(|n| &n["id"])
            .collect();
        samples.iter().filter(|s| ids.contains(s)).count()
    };
    assert!(
        self_count("hot") * 2 > samples.len(),
        "hot {} of {}",
        self_count("hot"),
        samples.len()
    );
    assert!(profile["endTime"].as_f64() > profile["startTime"].as_f64());
}

/// A `#[js]` class, shown by its name.
#[quickjs::js]
pub struct Gauge {
    level: f64,
}

#[quickjs::js]
impl Gauge {
    #[js(constructor)]
    fn new(level: f64) -> Self {
        Gauge { level }
    }
    #[js(get)]
    pub fn level(&self) -> f64 {
        self.level
    }
}

#[test]
fn values_are_shown_as_devtools_shows_them_for_node() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| ctx.globals().set_class::<Gauge>()).unwrap();
    let url = listen(&ctx);
    let shown = served(&rt, move || {
        let mut c = Client::connect(&url);
        let mut shown = Vec::new();
        for expr in [
            "new Gauge(0.5)",
            "new Map([[1, 'one']])",
            "new Set([1, 2, 3])",
            "[1, 2]",
            "Promise.resolve(1)",
            "new RangeError('r')",
            "/a+/g",
            "class Point {}; new Point()",
        ] {
            let r = c.call(
                "Runtime.evaluate",
                json!({"expression": expr, "generatePreview": true}),
            )["result"]
                .clone();
            shown.push(format!(
                "{} {} {}",
                r["className"].as_str().unwrap_or("-"),
                r["subtype"].as_str().unwrap_or("-"),
                r["description"]
                    .as_str()
                    .unwrap_or("-")
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
        // The class's accessor, read through the instance's properties.
        let g = c.call("Runtime.evaluate", json!({"expression": "new Gauge(0.25)"}));
        let props = c.call(
            "Runtime.getProperties",
            json!({"objectId": g["result"]["objectId"], "ownProperties": false}),
        );
        let level = props["result"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "level")
            .cloned()
            .unwrap();
        shown.push(format!("level: {}", level["get"]["type"]));
        shown
    });
    assert_eq!(
        shown,
        [
            "Gauge - Gauge",
            "Map map Map(1)",
            "Set set Set(3)",
            "Array array Array(2)",
            "Promise promise Promise",
            "RangeError error RangeError: r",
            "RegExp regexp /a+/g",
            "Point - Point",
            "level: \"function\"",
        ]
    );
}
