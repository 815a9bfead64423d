//! The CPU profile: samples of the stack taken at the engine's interrupt
//! polls (the debugger's poll hook) at most once per interval, as the
//! `.cpuprofile` that DevTools and speedscope open. The debugger's state
//! holds the running one (`Debugger::start_profile`).

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
/// The interrupt interval while profiling (polls often enough to sample).
pub(crate) const POLL_TICKS: i32 = 1_000;

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

impl Profile {
    /// A profile starting now.
    pub(crate) fn new() -> Profile {
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
        Profile {
            start: now,
            last: now,
            index: HashMap::new(),
            nodes: vec![root],
            samples: Vec::new(),
            deltas: Vec::new(),
        }
    }
    /// The `.cpuprofile` (`Profiler.stop`'s result).
    pub(crate) fn into_json(self) -> Json {
        let end = self.start.elapsed().as_micros() as u64;
        let nodes: Vec<Json> = self
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
        json!({"profile": {
            "nodes": nodes, "startTime": 0, "endTime": end,
            "samples": self.samples.iter().map(|s| s + 1).collect::<Vec<_>>(),
            "timeDeltas": self.deltas,
        }})
    }

    /// Whether a sample is due at `now` (`interval` after the last).
    pub(crate) fn due(&self, now: Instant, interval: Duration) -> bool {
        now.duration_since(self.last) >= interval
    }

    /// Takes a sample of `ctx`'s stack at `now`; `url_of` names the scripts.
    pub(crate) fn sample(
        &mut self,
        ctx: Ctx<'_>,
        now: Instant,
        url_of: impl Fn(i32) -> Option<String>,
    ) {
        // SAFETY: ctx is live, on its thread.
        let depth = unsafe { sys::JS_DebugFrameCount(ctx.as_raw()) }.max(0) as usize;
        let mut stack = Vec::with_capacity(depth);
        for level in (0..depth).rev() {
            // SAFETY: ctx is live; a new reference.
            let f =
                unsafe { Value::from_raw(ctx, sys::JS_DebugGetFrame(ctx.as_raw(), level as i32)) };
            let Ok(f) = f.get::<Object>() else { continue };
            let name = super::messages::function_name(f.get("name").unwrap_or_default());
            let script: i32 = f.get("scriptId").unwrap_or(0);
            // The function's own start (a node is a function, not a line).
            let line: i32 = f.get("startLine").unwrap_or(0);
            let column: i32 = f.get("startColumn").unwrap_or(0);
            stack.push((name, script, line, column));
        }
        let mut parent = 0usize;
        for (name, script, line, column) in stack {
            let key = (parent, script, line, column, name);
            let id = match self.index.get(&key) {
                Some(&id) => id,
                None => {
                    let id = self.nodes.len();
                    self.nodes.push(Node {
                        name: key.4.clone(),
                        script,
                        url: url_of(script).unwrap_or_default(),
                        line: line - 1,
                        column: column - 1,
                        hits: 0,
                        children: Vec::new(),
                    });
                    self.nodes[parent].children.push(id);
                    self.index.insert(key, id);
                    id
                }
            };
            parent = id;
        }
        self.nodes[parent].hits += 1;
        self.samples.push(parent);
        self.deltas
            .push(now.duration_since(self.last).as_micros() as u64);
        self.last = now;
    }
}
