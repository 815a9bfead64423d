//! The protocol's messages that need no debugger state: events as JSON
//! text, the names clients see, and the list of what is spoken (for
//! `/json/protocol`). The bottom of the layer: everything else here may use
//! it; it uses nothing of the inspector.

use serde_json::{json, Value as Json};

/// The file name of the agent's script (hidden from clients).
pub(crate) const AGENT_NAME: &str = "<inspector>";
/// The object group of a pause's call frames (released on resume).
pub(crate) const BACKTRACE: &str = "backtrace";

pub(crate) fn event(method: &str, params: Json) -> String {
    json!({"method": method, "params": params}).to_string()
}

pub(crate) fn context_created(id: u32, name: &str) -> String {
    event(
        "Runtime.executionContextCreated",
        json!({"context": {"id": id, "origin": "", "name": name, "uniqueId": format!("{id}"),
               "auxData": {"isDefault": true}}}),
    )
}

/// The URL clients see for a file name: `file://` and its absolute path
/// for a file that exists, the name itself otherwise.
pub(crate) fn url_of(name: &str) -> String {
    match std::fs::canonicalize(name) {
        Ok(p) if !name.is_empty() && !name.starts_with('<') => format!("file://{}", p.display()),
        _ => name.to_string(),
    }
}

/// `Debugger.breakpointResolved`: breakpoint `id` landed at `at` (script
/// id, line, column; 1-based) in a script compiled after it was set.
pub(crate) fn breakpoint_resolved(id: &str, at: (i32, i32, i32)) -> String {
    event(
        "Debugger.breakpointResolved",
        json!({"breakpointId": id, "location": location(at)}),
    )
}

/// A `Debugger.Location` (0-based) of an engine position: (script id,
/// line, column), 1-based.
pub(crate) fn location((sid, line, col): (i32, i32, i32)) -> Json {
    json!({"scriptId": sid.to_string(), "lineNumber": line - 1, "columnNumber": col - 1})
}

/// A frame's function name as V8 gives it: "" for top-level code (the
/// engine says `<eval>`, `<input>`).
pub(crate) fn function_name(name: String) -> String {
    if name.starts_with('<') && name.ends_with('>') {
        String::new()
    } else {
        name
    }
}

/// What `/json/protocol` lists: the domains, methods and events served
/// here (chrome-remote-interface builds its API from it). A test checks
/// that each method listed is answered.
pub(crate) const METHODS: &[&str] = &[
    "Debugger.enable",
    "Debugger.disable",
    "Debugger.getScriptSource",
    "Debugger.setBreakpointsActive",
    "Debugger.setPauseOnExceptions",
    "Debugger.setBreakpointByUrl",
    "Debugger.setBreakpoint",
    "Debugger.removeBreakpoint",
    "Debugger.getPossibleBreakpoints",
    "Debugger.pause",
    "Debugger.resume",
    "Debugger.stepInto",
    "Debugger.stepOver",
    "Debugger.stepOut",
    "Debugger.evaluateOnCallFrame",
    "Debugger.setSkipAllPauses",
    "Debugger.setAsyncCallStackDepth",
    "Debugger.setBlackboxPatterns",
    "Debugger.setBlackboxExecutionContexts",
    "Debugger.setInstrumentationBreakpoint",
    "Runtime.enable",
    "Runtime.disable",
    "Runtime.runIfWaitingForDebugger",
    "Runtime.evaluate",
    "Runtime.callFunctionOn",
    "Runtime.getProperties",
    "Runtime.releaseObject",
    "Runtime.releaseObjectGroup",
    "Runtime.compileScript",
    "Runtime.getIsolateId",
    "Runtime.getHeapUsage",
    "Runtime.setAsyncCallStackDepth",
    "Runtime.addBinding",
    "Runtime.setCustomObjectFormatterEnabled",
    "Runtime.discardConsoleEntries",
    "Profiler.enable",
    "Profiler.disable",
    "Profiler.start",
    "Profiler.stop",
    "Profiler.setSamplingInterval",
    "Profiler.startPreciseCoverage",
    "Profiler.takePreciseCoverage",
    "Profiler.stopPreciseCoverage",
    "HeapProfiler.enable",
    "HeapProfiler.disable",
    "NodeRuntime.enable",
    "NodeWorker.enable",
    "Log.enable",
    "Page.enable",
    "Network.enable",
    "Target.setAutoAttach",
    "Target.setDiscoverTargets",
];

/// The events sent.
pub(crate) const EVENTS: &[&str] = &[
    "Debugger.scriptParsed",
    "Debugger.paused",
    "Debugger.resumed",
    "Debugger.breakpointResolved",
    "Runtime.executionContextCreated",
    "Runtime.executionContextDestroyed",
    "Runtime.consoleAPICalled",
    "Runtime.exceptionThrown",
];

/// The body of `/json/protocol`.
pub(crate) fn descriptor() -> String {
    let mut domains: Vec<(&str, Vec<Json>, Vec<Json>)> = Vec::new();
    let split = |m: &'static str| m.split_once('.').unwrap_or((m, ""));
    for (list, is_event) in [(METHODS, false), (EVENTS, true)] {
        for &m in list {
            let (domain, name) = split(m);
            let i = match domains.iter().position(|d| d.0 == domain) {
                Some(i) => i,
                None => {
                    domains.push((domain, Vec::new(), Vec::new()));
                    domains.len() - 1
                }
            };
            let entry = json!({ "name": name });
            if is_event {
                domains[i].2.push(entry);
            } else {
                domains[i].1.push(entry);
            }
        }
    }
    json!({
        "version": {"major": "1", "minor": "3"},
        "domains": domains.into_iter().map(|(domain, commands, events)|
            json!({"domain": domain, "commands": commands, "events": events})).collect::<Vec<_>>(),
    })
    .to_string()
}
