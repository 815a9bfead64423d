//! The CPU profiler: `Profiler.start` / `Profiler.stop`, sampling the
//! stack at the engine's interrupt polls (the debugger's poll hook) at most
//! once per interval, and the `.cpuprofile` that DevTools and speedscope
//! open.
//!
//! Invariant: while a profile runs, the runtime's interrupt interval is
//! short (so polls come often enough); it goes back to the engine's
//! default when the profile stops.

use super::debugger::{self, Debugger};
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::value::Value;
use crate::engine::objects::object::Object;
use quickjs_sys as sys;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The sampling interval unless a client sets one (V8's and Node's
/// default: 1 ms).
pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_millis(1);
/// The interrupt interval while profiling.
const POLL_TICKS: i32 = 1_000;

/// A running profile.
pub(crate) struct Profile {
    start: Instant,
    last: Instant,
    /// Node key (parent id, script id, the function's line and column,
    /// its name) -> node id.
    index: HashMap<(usize, i32, i32, i32, String), usize>,
    nodes: Vec<Node>,
    samples: Vec<usize>,
    deltas: Vec<u64>,
}

struct Node {
    name: String,
    script: i32,
    url: String,
    line: i32,
    column: i32,
    hits: u64,
    children: Vec<usize>,
}

pub(crate) fn start(d: &Debugger) -> Result<(), (i64, String)> {
    let now = Instant::now();
    let root = Node {
        name: "(root)".into(),
        script: 0,
        url: String::new(),
        line: -1,
        column: -1,
        hits: 0,
        children: Vec::new(),
    };
    *d.profiler.borrow_mut() = Some(Profile {
        start: now,
        last: now,
        index: HashMap::new(),
        nodes: vec![root],
        samples: Vec::new(),
        deltas: Vec::new(),
    });
    // SAFETY: rt is live, on its thread.
    unsafe { sys::JS_SetInterruptInterval(d.rt, POLL_TICKS) };
    Ok(())
}

pub(crate) fn stop(d: &Debugger) -> Result<Json, (i64, String)> {
    let p = d
        .profiler
        .borrow_mut()
        .take()
        .ok_or((-32000, "Profiler is not started".to_string()))?;
    // SAFETY: as in `start`; 0 is the engine's default.
    unsafe { sys::JS_SetInterruptInterval(d.rt, 0) };
    let start = 0u64;
    let end = p.start.elapsed().as_micros() as u64;
    let nodes: Vec<Json> = p
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "id": i + 1,
                "callFrame": {"functionName": n.name, "scriptId": n.script.to_string(), "url": n.url,
                              "lineNumber": n.line, "columnNumber": n.column},
                "hitCount": n.hits,
                "children": n.children.iter().map(|c| c + 1).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({"profile": {
        "nodes": nodes, "startTime": start, "endTime": end,
        "samples": p.samples.iter().map(|s| s + 1).collect::<Vec<_>>(),
        "timeDeltas": p.deltas,
    }}))
}

/// Takes a sample of `ctx`'s stack if the interval has passed.
pub(crate) fn sample(d: &Debugger, ctx: Ctx<'_>) {
    let now = Instant::now();
    {
        let p = d.profiler.borrow();
        let Some(p) = p.as_ref() else { return };
        if now.duration_since(p.last) < d.sampling_interval.get() {
            return;
        }
    }
    let _q = d.quiet();
    let depth = debugger::depth(ctx);
    let mut stack = Vec::with_capacity(depth);
    for level in (0..depth).rev() {
        // SAFETY: ctx is live; a new reference.
        let f = unsafe { Value::from_raw(ctx, sys::JS_DebugGetFrame(ctx.as_raw(), level as i32)) };
        let Ok(f) = f.get::<Object>() else { continue };
        let name = super::protocol::function_name(f.get("name").unwrap_or_default());
        let script: i32 = f.get("scriptId").unwrap_or(0);
        // The function's own start (a node is a function, not a line).
        let line: i32 = f.get("startLine").unwrap_or(0);
        let column: i32 = f.get("startColumn").unwrap_or(0);
        stack.push((name, script, line, column));
    }
    let mut guard = d.profiler.borrow_mut();
    let Some(p) = guard.as_mut() else { return };
    let mut parent = 0usize;
    for (name, script, line, column) in stack {
        let key = (parent, script, line, column, name);
        let id = match p.index.get(&key) {
            Some(&id) => id,
            None => {
                let id = p.nodes.len();
                let name = key.4.clone();
                p.nodes.push(Node {
                    name,
                    script,
                    url: d.url_of(script).unwrap_or_default(),
                    line: line - 1,
                    column: column - 1,
                    hits: 0,
                    children: Vec::new(),
                });
                p.nodes[parent].children.push(id);
                p.index.insert(key, id);
                id
            }
        };
        parent = id;
    }
    p.nodes[parent].hits += 1;
    p.samples.push(parent);
    p.deltas.push(now.duration_since(p.last).as_micros() as u64);
    p.last = now;
}
