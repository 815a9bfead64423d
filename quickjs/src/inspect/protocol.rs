//! The Chrome DevTools Protocol's methods and messages: what each method
//! does with the [`Debugger`], and the JSON of events, call frames and
//! scopes. Values become RemoteObjects in the agent (`agent.js`).
//!
//! Invariant: a malformed or unknown message gets a protocol error reply,
//! never a panic; every evaluation for a client runs with the debugger
//! quiet.

use super::debugger::{self, Breakpoint, Debugger, Matcher, PauseOn, Script, Step};
use super::messages::{self, event, BACKTRACE};
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::value::Value;
use crate::engine::objects::object::{Function, Object};
use quickjs_sys as sys;
use serde_json::{json, Value as Json};

pub(crate) fn script_parsed(d: &Debugger, s: &Script) -> String {
    let lines: Vec<&str> = s.source.split('\n').collect();
    let target = d
        .targets
        .borrow()
        .iter()
        .find(|t| t.ctx == s.ctx)
        .map_or(1, |t| t.id);
    event(
        "Debugger.scriptParsed",
        json!({
            "scriptId": s.id.to_string(), "url": s.url, "startLine": 0, "startColumn": 0,
            "endLine": lines.len().saturating_sub(1),
            "endColumn": lines.last().map_or(0, |l| l.len()),
            "executionContextId": target, "hash": format!("{:x}", s.source.len()),
            "isModule": s.is_module, "length": s.source.len(), "scriptLanguage": "JavaScript",
            "embedderName": s.url,
        }),
    )
}

fn agent_call<'js, A: crate::engine::objects::object::IntoArgs<'js>>(
    d: &Debugger,
    ctx: Ctx<'js>,
    name: &str,
    args: A,
) -> crate::engine::handle::error::Result<Json> {
    let agent = d.agent(ctx)?;
    let _q = d.quiet();
    let f: Function = agent.get(name)?;
    let text: String = f.call(args)?;
    serde_json::from_str(&text)
        .map_err(|e| crate::engine::handle::error::Error::type_error(e.to_string()))
}

/// The RemoteObject of `v` (its object id in `group`), with a preview
/// (for an exception's pause, as V8 sends it).
pub(crate) fn describe<'js>(
    d: &Debugger,
    ctx: Ctx<'js>,
    v: &Value<'js>,
    group: &str,
) -> crate::engine::handle::error::Result<Json> {
    agent_call(d, ctx, "describe", (v.clone(), group, false, true))
}

/// Milliseconds since the Unix epoch (the protocol's timestamps).
fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The script frames of the stack, innermost first: a `Runtime.StackTrace`.
fn stack_trace(d: &Debugger, ctx: Ctx<'_>) -> Json {
    let mut frames = Vec::new();
    for level in 0..debugger::depth(ctx) {
        let Some(f) = frame(ctx, level) else { break };
        let Ok(sid) = f.get::<_, i32>("scriptId") else {
            continue;
        };
        let Some(url) = d.url_of(sid) else {
            continue; // native frames, the agent, code from before the inspector
        };
        let (line, col): (i32, i32) = (f.get("line").unwrap_or(1), f.get("column").unwrap_or(1));
        frames.push(json!({
            "functionName": messages::function_name(f.get("name").unwrap_or_default()),
            "scriptId": sid.to_string(), "url": url,
            "lineNumber": line - 1, "columnNumber": col - 1,
        }));
    }
    json!({ "callFrames": frames })
}

fn target_id(d: &Debugger, ctx: Ctx<'_>) -> u32 {
    d.target(ctx.as_raw(), None)
}

/// `Runtime.consoleAPICalled` for a console call of `kind` with `args`.
pub(crate) fn console_called<'js>(
    d: &Debugger,
    ctx: Ctx<'js>,
    kind: &str,
    args: &Value<'js>,
) -> Option<String> {
    let args = agent_call(d, ctx, "consoleArgs", (args.clone(), "console")).ok()?;
    Some(event(
        "Runtime.consoleAPICalled",
        json!({
            "type": kind, "args": args, "executionContextId": target_id(d, ctx),
            "timestamp": now_ms(), "stackTrace": stack_trace(d, ctx),
        }),
    ))
}

/// `Runtime.exceptionThrown` for an exception no `try` on the stack catches.
pub(crate) fn exception_thrown<'js>(d: &Debugger, ctx: Ctx<'js>, e: &Value<'js>) -> Option<String> {
    let mut details = agent_call(d, ctx, "exception", (e.clone(), "console")).ok()?;
    let trace = stack_trace(d, ctx);
    if let Some(top) = trace["callFrames"].get(0).cloned() {
        for k in ["scriptId", "url", "lineNumber", "columnNumber"] {
            details[k] = top[k].clone();
        }
    }
    details["stackTrace"] = trace;
    details["executionContextId"] = json!(target_id(d, ctx));
    Some(event(
        "Runtime.exceptionThrown",
        json!({ "timestamp": now_ms(), "exceptionDetails": details }),
    ))
}

/// The ids of the breakpoints at the paused statement whose condition holds.
pub(crate) fn hit_breakpoints(d: &Debugger, ctx: Ctx<'_>) -> Vec<String> {
    let Some((sid, line, col)) = frame_position(ctx, 0) else {
        return Vec::new();
    };
    let candidates: Vec<(String, String)> = d
        .breakpoints
        .borrow()
        .iter()
        .filter(|b| b.at.contains(&(sid, line, col)))
        .map(|b| (b.id.clone(), b.condition.clone()))
        .collect();
    candidates
        .into_iter()
        .filter(|(_, cond)| {
            cond.trim().is_empty()
                || eval_in_frame(d, ctx, 0, cond, "condition", false)
                    .ok()
                    .and_then(|r| r.get("result").cloned())
                    .is_some_and(|r| truthy(&r))
        })
        .map(|(id, _)| id)
        .collect()
}

fn truthy(r: &Json) -> bool {
    match r.get("value") {
        Some(Json::Bool(b)) => *b,
        Some(Json::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Json::String(s)) => !s.is_empty(),
        Some(Json::Null) => false,
        _ => r
            .get("type")
            .and_then(Json::as_str)
            .is_some_and(|t| t == "object" || t == "function"),
    }
}

fn frame<'js>(ctx: Ctx<'js>, level: usize) -> Option<Object<'js>> {
    // SAFETY: ctx is live; JS_DebugGetFrame returns a new reference.
    let v = unsafe { Value::from_raw(ctx, sys::JS_DebugGetFrame(ctx.as_raw(), level as i32)) };
    v.get::<Object>().ok()
}

/// (script id, line, column) of frame `level`, 1-based.
fn frame_position(ctx: Ctx<'_>, level: usize) -> Option<(i32, i32, i32)> {
    let f = frame(ctx, level)?;
    Some((
        f.get("scriptId").ok()?,
        f.get("line").ok()?,
        f.get("column").ok()?,
    ))
}

fn scope<'js>(ctx: Ctx<'js>, level: usize, kind: i32) -> Option<Object<'js>> {
    // SAFETY: ctx is live; a new reference (undefined for a native frame).
    let v =
        unsafe { Value::from_raw(ctx, sys::JS_DebugGetScope(ctx.as_raw(), level as i32, kind)) };
    v.get::<Object>().ok()
}

/// Evaluates `expr` in frame `level` with its variables in scope, writing
/// back the ones it assigned.
fn eval_in_frame(
    d: &Debugger,
    ctx: Ctx<'_>,
    level: usize,
    expr: &str,
    group: &str,
    by_value: bool,
) -> crate::engine::handle::error::Result<Json> {
    let none = || Value::undefined(ctx);
    let locals = scope(ctx, level, 0).map_or_else(none, |o| o.into_value());
    let closure = scope(ctx, level, 1).map_or_else(none, |o| o.into_value());
    let this: Value = frame(ctx, level)
        .and_then(|f| f.get("this").ok())
        .unwrap_or_else(none);
    // The agent merges the scopes (locals over closure variables, constants
    // read-only) into one object, evaluates with it, and leaves it in
    // `merged` for the write-back.
    let merged = Object::new(ctx)?;
    let r = agent_call(
        d,
        ctx,
        "evaluateIn",
        (
            merged.clone(),
            closure,
            locals,
            this,
            expr,
            group,
            by_value,
            true,
        ),
    )?;
    for kind in 0..2 {
        // SAFETY: ctx live; merged is an object of this context.
        unsafe {
            sys::JS_DebugSetScope(ctx.as_raw(), level as i32, kind, merged.as_value().as_raw())
        };
    }
    Ok(r)
}

/// The `Debugger.paused` event for the current stack.
pub(crate) fn paused(
    d: &Debugger,
    ctx: Ctx<'_>,
    reason: &str,
    data: Option<Json>,
    hit: Vec<String>,
) -> String {
    let frames = call_frames(d, ctx).unwrap_or_else(|_| "[]".into());
    let mut params = json!({"reason": reason, "hitBreakpoints": hit});
    if let Some(data) = data {
        params["data"] = data;
    }
    // The frames are the agent's JSON text, spliced in as they are (no
    // parse and print again: this is each step's cost).
    let rest = params.to_string();
    format!(
        r#"{{"method":"Debugger.paused","params":{{"callFrames":{frames},{}}}"#,
        &rest[1..]
    )
}

/// The call frames of the stack (JSON text): the engine's frames and
/// scopes, described by the agent in one call.
fn call_frames(d: &Debugger, ctx: Ctx<'_>) -> crate::engine::handle::error::Result<String> {
    let frames = crate::engine::objects::types::Array::new(ctx)?;
    let mut n = 0;
    for level in 0..debugger::depth(ctx) {
        let Some(f) = frame(ctx, level) else { break };
        if f.get::<_, bool>("native").unwrap_or(true) {
            continue;
        }
        let sid: i32 = f.get("scriptId")?;
        let Some(url) = d.url_of(sid) else {
            continue; // the agent's own frames, or code compiled before the inspector
        };
        f.set("url", url)?;
        f.set("level", level as u32)?;
        f.set("locals", scope(ctx, level, 0))?;
        f.set("closure", scope(ctx, level, 1))?;
        frames.set(n, f)?;
        n += 1;
    }
    let agent = d.agent(ctx)?;
    let _q = d.quiet();
    let describe: Function = agent.get("callFrames")?;
    describe.call((frames, ctx.globals(), scope(ctx, 0, 2), BACKTRACE))
}

/// Serves one message; the reply to send to its client.
pub(crate) fn dispatch(
    d: &Debugger,
    ctx: Option<*mut sys::JSContext>,
    client: u64,
    text: &str,
) -> String {
    let Ok(msg) = serde_json::from_str::<Json>(text) else {
        return json!({"error": {"code": -32700, "message": "Message must be a valid JSON"}})
            .to_string();
    };
    let id = msg.get("id").cloned().unwrap_or(Json::Null);
    let Some(method) = msg.get("method").and_then(Json::as_str) else {
        return json!({"id": id, "error": {"code": -32600, "message": "Message must have string 'method' property"}}).to_string();
    };
    let params = msg.get("params").cloned().unwrap_or_else(|| json!({}));
    let result = crate::engine::handle::boundary::no_unwind(
        Err((-32603, "internal error".to_string())),
        || method_call(d, ctx, client, method, &params),
    );
    let reply = match result {
        Ok(r) => json!({"id": id, "result": r}),
        Err((code, message)) => json!({"id": id, "error": {"code": code, "message": message}}),
    };
    reply.to_string()
}

type Reply = Result<Json, (i64, String)>;

fn bad(m: impl Into<String>) -> (i64, String) {
    (-32602, m.into())
}

/// A JS error as a protocol error: its message (as V8 words them, no
/// `Error: ` before it).
fn js_err(e: crate::engine::handle::error::Error) -> (i64, String) {
    let message = match e {
        crate::engine::handle::error::Error::Thrown(x) => x.message,
        other => other.to_string(),
    };
    (-32000, message)
}

/// The `scriptId` of `params` (a number as text, as the protocol has it).
fn script_id(params: &Json) -> Result<i32, (i64, String)> {
    params
        .get("scriptId")
        .and_then(Json::as_str)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad("scriptId"))
}

/// The paused context, or the protocol's error for a method that needs one.
fn paused_or_error<'js>(d: &Debugger) -> Result<Ctx<'js>, (i64, String)> {
    d.paused()
        .ok_or_else(|| (-32000, "Can only perform operation while paused.".into()))
}

fn with_ctx(
    d: &Debugger,
    ctx: Option<*mut sys::JSContext>,
    id: Option<u64>,
    f: impl FnOnce(Ctx<'_>) -> Reply,
) -> Reply {
    let raw = match id {
        Some(_) => d.ctx_of(id),
        None => d.ctx_of(None).or(ctx),
    }
    .ok_or_else(|| (-32000, "Cannot find context with specified id".to_string()))?;
    // SAFETY: registered contexts are live (they leave the list when they go).
    f(unsafe { Ctx::from_raw(raw) })
}

fn method_call(
    d: &Debugger,
    ctx: Option<*mut sys::JSContext>,
    client: u64,
    method: &str,
    p: &Json,
) -> Reply {
    let s = |k: &str| p.get(k).and_then(Json::as_str);
    let b = |k: &str| p.get(k).and_then(Json::as_bool).unwrap_or(false);
    let n = |k: &str| p.get(k).and_then(Json::as_i64);
    let session = |f: &dyn Fn(&mut debugger::Session)| {
        if let Some(s) = d
            .sessions
            .borrow_mut()
            .iter_mut()
            .find(|s| s.client == client)
        {
            f(s);
        }
    };
    match method {
        "Debugger.enable" => {
            session(&|s| s.debugger = true);
            if let Some(shared) = d.shared.borrow().clone() {
                for sc in d.scripts.borrow().iter() {
                    shared.send(client, script_parsed(d, sc));
                }
            }
            Ok(json!({"debuggerId": "quickjs-rust"}))
        }
        "Debugger.disable" => {
            session(&|s| s.debugger = false);
            Ok(json!({}))
        }
        "Runtime.enable" => {
            session(&|s| s.runtime = true);
            if let Some(shared) = d.shared.borrow().clone() {
                for t in d.targets.borrow().iter() {
                    shared.send(client, messages::context_created(t.id, &t.name));
                }
            }
            Ok(json!({}))
        }
        "Runtime.disable" => {
            session(&|s| s.runtime = false);
            Ok(json!({}))
        }
        "Runtime.runIfWaitingForDebugger" => {
            d.waiting.set(false);
            Ok(json!({}))
        }
        "Debugger.getScriptSource" => {
            let id = script_id(p)?;
            let scripts = d.scripts.borrow();
            let sc = scripts
                .iter()
                .find(|x| x.id == id)
                .ok_or_else(|| bad("No script for id"))?;
            Ok(json!({"scriptSource": sc.source}))
        }
        "Debugger.setBreakpointsActive" => {
            d.active.set(b("active"));
            Ok(json!({}))
        }
        "Debugger.setPauseOnExceptions" => {
            d.pause_on.set(match s("state") {
                Some("all") => PauseOn::All,
                Some("uncaught") => PauseOn::Uncaught,
                Some("none") => PauseOn::None,
                _ => return Err(bad("state: none, uncaught or all")),
            });
            Ok(json!({}))
        }
        "Debugger.setBreakpointByUrl" | "Debugger.setBreakpoint" => {
            let (matcher, line, column) = if method == "Debugger.setBreakpoint" {
                let loc = p.get("location").ok_or_else(|| bad("location"))?;
                let sid = script_id(loc)?;
                let line = loc
                    .get("lineNumber")
                    .and_then(Json::as_i64)
                    .ok_or_else(|| bad("lineNumber"))?;
                (
                    Matcher::Script(sid),
                    line,
                    loc.get("columnNumber").and_then(Json::as_i64).unwrap_or(0),
                )
            } else {
                let line = n("lineNumber").ok_or_else(|| bad("lineNumber"))?;
                let m = if let Some(u) = s("url") {
                    Matcher::Url(u.to_string())
                } else if let Some(r) = s("urlRegex") {
                    Matcher::Regex(regex_lite::Regex::new(r).map_err(|e| bad(e.to_string()))?)
                } else if s("scriptHash").is_some() {
                    return Err(bad("scriptHash is not supported: use url or urlRegex"));
                } else {
                    return Err(bad("Either url or urlRegex must be specified."));
                };
                (m, line, n("columnNumber").unwrap_or(0))
            };
            let line = i32::try_from(line).map_err(|_| bad("lineNumber"))?;
            let column = i32::try_from(column).map_err(|_| bad("columnNumber"))?;
            let num = d.next_breakpoint.get();
            d.next_breakpoint.set(num + 1);
            let mut bp = Breakpoint {
                id: format!("{num}:{line}:{column}"),
                matcher,
                line,
                column,
                condition: s("condition").unwrap_or("").to_string(),
                at: Vec::new(),
            };
            for sc in d.scripts.borrow().iter() {
                d.apply(&mut bp, sc);
            }
            let locations: Vec<Json> = bp.at.iter().copied().map(messages::location).collect();
            let id = bp.id.clone();
            d.breakpoints.borrow_mut().push(bp);
            if method == "Debugger.setBreakpoint" {
                let loc = locations
                    .first()
                    .cloned()
                    .ok_or_else(|| (-32000, "Could not resolve breakpoint".to_string()))?;
                Ok(json!({"breakpointId": id, "actualLocation": loc}))
            } else {
                Ok(json!({"breakpointId": id, "locations": locations}))
            }
        }
        "Debugger.removeBreakpoint" => {
            let id = s("breakpointId").ok_or_else(|| bad("breakpointId"))?;
            let pos = d.breakpoints.borrow().iter().position(|x| x.id == id);
            if let Some(i) = pos {
                let bp = d.breakpoints.borrow_mut().remove(i);
                d.clear_breakpoint(&bp);
            }
            Ok(json!({}))
        }
        "Debugger.getPossibleBreakpoints" => {
            let start = p.get("start").ok_or_else(|| bad("start"))?;
            let sid = script_id(start)?;
            let from = (
                start.get("lineNumber").and_then(Json::as_i64).unwrap_or(0),
                start
                    .get("columnNumber")
                    .and_then(Json::as_i64)
                    .unwrap_or(0),
            );
            let end = p.get("end").map(|e| {
                (
                    e.get("lineNumber")
                        .and_then(Json::as_i64)
                        .unwrap_or(i64::MAX),
                    e.get("columnNumber").and_then(Json::as_i64).unwrap_or(0),
                )
            });
            let mut list: Vec<(i64, i64)> = d
                .statements(sid)
                .into_iter()
                .map(|(l, c)| (i64::from(l) - 1, i64::from(c) - 1))
                .filter(|&pos| pos >= from && end.is_none_or(|e| pos < e))
                .collect();
            list.sort();
            list.dedup();
            Ok(
                json!({"locations": list.iter().map(|&(l, c)| json!({"scriptId": sid.to_string(), "lineNumber": l, "columnNumber": c})).collect::<Vec<_>>()}),
            )
        }
        "Debugger.pause" => {
            if !d.is_paused() {
                d.step.set(Step::Into);
                d.update_stepping();
            }
            Ok(json!({}))
        }
        "Debugger.resume" | "Debugger.stepInto" | "Debugger.stepOver" | "Debugger.stepOut" => {
            let depth = debugger::depth(paused_or_error(d)?);
            let step = match method {
                "Debugger.resume" => Step::Run,
                "Debugger.stepInto" => Step::Into,
                "Debugger.stepOver" => Step::Over(depth),
                _ => Step::Out(depth),
            };
            d.resume.set(true);
            // Set after the pause loop resets it.
            d.step.set(step);
            Ok(json!({}))
        }
        "Debugger.evaluateOnCallFrame" => {
            let c = paused_or_error(d)?;
            let level: usize = s("callFrameId")
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad("callFrameId"))?;
            let expr = s("expression").ok_or_else(|| bad("expression"))?;
            let group = s("objectGroup").unwrap_or("console");
            eval_in_frame(d, c, level, expr, group, b("returnByValue")).map_err(js_err)
        }
        "Runtime.evaluate" => {
            let expr = s("expression")
                .ok_or_else(|| bad("expression"))?
                .to_string();
            let group = s("objectGroup").unwrap_or("console").to_string();
            with_ctx(d, ctx, p.get("contextId").and_then(Json::as_u64), |c| {
                agent_call(
                    d,
                    c,
                    "evaluate",
                    (
                        expr.as_str(),
                        group.as_str(),
                        b("returnByValue"),
                        b("generatePreview"),
                    ),
                )
                .map_err(js_err)
            })
        }
        "Runtime.callFunctionOn" => {
            let decl = s("functionDeclaration")
                .ok_or_else(|| bad("functionDeclaration"))?
                .to_string();
            let object = s("objectId").map(str::to_string);
            let args = p
                .get("arguments")
                .cloned()
                .unwrap_or_else(|| json!([]))
                .to_string();
            let group = s("objectGroup").unwrap_or("console").to_string();
            with_ctx(
                d,
                ctx,
                p.get("executionContextId").and_then(Json::as_u64),
                |c| {
                    let parse: Function = c
                        .globals()
                        .get::<_, Object>("JSON")
                        .and_then(|j| j.get("parse"))
                        .map_err(js_err)?;
                    let args: Value = parse.call((args.as_str(),)).map_err(js_err)?;
                    agent_call(
                        d,
                        c,
                        "callFunctionOn",
                        (
                            decl.as_str(),
                            object.as_deref(),
                            args,
                            group.as_str(),
                            b("returnByValue"),
                            b("generatePreview"),
                        ),
                    )
                    .map_err(js_err)
                },
            )
        }
        "Runtime.getProperties" => {
            let id = s("objectId").ok_or_else(|| bad("objectId"))?.to_string();
            with_ctx(d, ctx, None, |c| {
                agent_call(
                    d,
                    c,
                    "getProperties",
                    (
                        id.as_str(),
                        b("ownProperties"),
                        b("accessorPropertiesOnly"),
                        b("generatePreview"),
                    ),
                )
                .map_err(js_err)
            })
        }
        "Runtime.releaseObject" => {
            let id = s("objectId").ok_or_else(|| bad("objectId"))?.to_string();
            with_ctx(d, ctx, None, |c| {
                agent_call_unit(d, c, "release", (id.as_str(),))
            })
        }
        "Runtime.releaseObjectGroup" => {
            let g = s("objectGroup")
                .ok_or_else(|| bad("objectGroup"))?
                .to_string();
            with_ctx(d, ctx, None, |c| {
                agent_call_unit(d, c, "releaseGroup", (g.as_str(),))
            })
        }
        "Profiler.start" => {
            d.start_profile();
            Ok(json!({}))
        }
        "Profiler.setSamplingInterval" => {
            let us = n("interval")
                .filter(|&us| us > 0)
                .ok_or_else(|| bad("interval"))?;
            d.sampling_interval
                .set(std::time::Duration::from_micros(us as u64));
            Ok(json!({}))
        }
        "Profiler.stop" => d
            .stop_profile()
            .ok_or((-32000, "Profiler is not started".to_string())),
        // Answered at connect by Chrome, VS Code and node inspect: nothing to do.
        "Profiler.enable"
        | "Profiler.disable"
        | "Debugger.setAsyncCallStackDepth"
        | "Debugger.setBlackboxPatterns"
        | "Debugger.setBlackboxExecutionContexts"
        | "Runtime.setAsyncCallStackDepth"
        | "Runtime.addBinding"
        | "HeapProfiler.enable"
        | "HeapProfiler.disable"
        | "Runtime.setCustomObjectFormatterEnabled"
        | "NodeRuntime.enable"
        | "NodeWorker.enable"
        | "Log.enable"
        | "Network.enable"
        | "Page.enable"
        | "Target.setAutoAttach"
        | "Target.setDiscoverTargets"
        | "Debugger.setInstrumentationBreakpoint"
        | "Runtime.discardConsoleEntries"
        | "Profiler.startPreciseCoverage"
        | "Profiler.takePreciseCoverage"
        | "Profiler.stopPreciseCoverage" => Ok(json!({})),
        "Debugger.setSkipAllPauses" => {
            d.skip_all.set(b("skip"));
            Ok(json!({}))
        }
        "Runtime.compileScript" => {
            // A syntax check (DevTools' console, as the user types).
            let expr = s("expression")
                .ok_or_else(|| bad("expression"))?
                .to_string();
            let url = s("sourceURL").unwrap_or("").to_string();
            with_ctx(
                d,
                ctx,
                p.get("executionContextId").and_then(Json::as_u64),
                |c| {
                    let _q = d.quiet();
                    match c.eval_raw(
                        &expr,
                        &url,
                        sys::JS_EVAL_TYPE_GLOBAL | sys::JS_EVAL_FLAG_COMPILE_ONLY,
                    ) {
                        Ok(_) => Ok(json!({})),
                        Err(e) => Ok(json!({"exceptionDetails": {
                            "exceptionId": 0, "text": format!("Uncaught {e}"),
                            "lineNumber": 0, "columnNumber": 0}})),
                    }
                },
            )
        }
        "Runtime.getIsolateId" => Ok(json!({"id": "quickjs-rust"})),
        "Runtime.getHeapUsage" => {
            // SAFETY: rt is live; the inspector runs on its thread.
            let m = unsafe { crate::embed::runtime::MemoryUsage::of_raw(d.rt) };
            Ok(json!({"usedSize": m.memory_used_size, "totalSize": m.malloc_size}))
        }
        _ => Err((-32601, format!("'{method}' wasn't found"))),
    }
}

fn agent_call_unit<'js, A: crate::engine::objects::object::IntoArgs<'js>>(
    d: &Debugger,
    ctx: Ctx<'js>,
    name: &str,
    args: A,
) -> Reply {
    let agent = d.agent(ctx).map_err(js_err)?;
    let _q = d.quiet();
    let f: Function = agent.get(name).map_err(js_err)?;
    f.call::<_, ()>(args).map_err(js_err)?;
    Ok(json!({}))
}
