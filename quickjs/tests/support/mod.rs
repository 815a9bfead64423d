//! Test support: a runtime set up the way qjs sets one up (quickjs-libc
//! handlers, `qjs:std`, `qjs:os`, `JS_AddRust`), driven in-process so each
//! test ends with `JS_FreeRuntime`, whose leak assertion is on in debug builds.
//! (The safe embedding API will replace these raw calls.)
#![allow(dead_code)]

use quickjs::js;
use quickjs::sys;
use std::ffi::{CStr, CString};
use std::time::Duration;

#[js]
pub fn add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}
#[js]
pub fn huge(x: u64) -> u64 {
    x
}
#[js]
pub fn wide(x: i128) -> i128 {
    x
}
#[js(strict)]
pub fn exact(a: i32, b: i32) -> i32 {
    a + b
}
#[js]
pub fn greet(name: &str) -> String {
    format!("hello, {name}")
}
#[js]
pub fn byte(x: u8) -> u8 {
    x
}
#[js]
pub fn big(x: i64) -> i64 {
    x
}
#[js]
pub fn half(x: f64) -> f64 {
    x / 2.0
}
#[js]
pub fn not(b: bool) -> bool {
    !b
}
#[js]
pub fn opt(a: i32, b: Option<i32>) -> i32 {
    a + b.unwrap_or(100)
}
#[js]
pub fn checked(x: i32) -> Result<i32, String> {
    if x < 0 {
        Err(format!("negative: {x}"))
    } else {
        Ok(x)
    }
}
#[js]
pub fn range(x: i32) -> quickjs::Result<i32> {
    if x > 10 {
        Err(quickjs::Error::range_error("too big"))
    } else {
        Ok(x)
    }
}
#[js]
pub fn boom(msg: String) -> i32 {
    panic!("{msg}")
}
#[js]
pub fn nothing() {}
#[js(name = "renamed")]
pub fn internal_name() -> &'static str {
    "renamed ok"
}
#[js]
pub async fn sleep(ms: u64) {
    async_io::Timer::after(Duration::from_millis(ms)).await;
}
#[js]
pub async fn delayed_echo(ms: u64, text: String) -> String {
    async_io::Timer::after(Duration::from_millis(ms)).await;
    text
}
#[js]
pub async fn fail_later(ms: u64) -> Result<(), String> {
    async_io::Timer::after(Duration::from_millis(ms)).await;
    Err("failed later".into())
}
#[js]
pub async fn panic_later() -> i32 {
    async_io::Timer::after(Duration::from_millis(1)).await;
    panic!("async boom")
}
#[js]
pub async fn ready_now(x: i32) -> i32 {
    x + 1
}
/// Like `sleep`, but on the runtime's own loop timers (`quickjs::sleep`):
/// no thread wakes it, the loop's poll timeout does.
#[js]
pub async fn tick(ms: u64) -> u64 {
    quickjs::sleep(Duration::from_millis(ms)).await;
    ms
}

quickjs::module!(pub static TEST = "test" {
    add, exact, huge, wide, greet, byte, big, half, not, opt, checked, range, boom, nothing, internal_name,
    sleep, delayed_echo, fail_later, panic_later, ready_now, tick
});

/// A runtime + context with qjs' modules and the `test` module.
pub struct Js {
    rt: *mut sys::JSRuntime,
    ctx: *mut sys::JSContext,
}

impl Js {
    pub fn new() -> Self {
        quickjs::register(&TEST);
        // SAFETY: a fresh runtime and context, set up as qjs.c does; freed in Drop.
        unsafe {
            let rt = sys::JS_NewRuntime();
            assert!(!rt.is_null());
            sys::js_std_init_handlers(rt);
            let ctx = sys::JS_NewContext(rt);
            assert!(!ctx.is_null());
            sys::js_init_module_std(ctx, c"qjs:std".as_ptr());
            sys::js_init_module_os(ctx, c"qjs:os".as_ptr());
            assert_eq!(sys::JS_AddRust(ctx, rt), 0);
            sys::js_std_add_helpers(ctx, 0, std::ptr::null_mut());
            Js { rt, ctx }
        }
    }

    /// Evaluates `src` as a module and waits for its evaluation (top-level
    /// await included) with `js_std_await`; then returns `globalThis.out`
    /// as a string, or the exception's `name: message`.
    pub fn module(&self, src: &str) -> Result<String, String> {
        let code = CString::new(src).unwrap();
        // SAFETY: ctx is live; every value is freed or handed over below.
        unsafe {
            let v = sys::JS_Eval(
                self.ctx,
                code.as_ptr(),
                src.len(),
                c"<test>".as_ptr(),
                sys::JS_EVAL_TYPE_MODULE as i32,
            );
            let v = sys::js_std_await(self.ctx, v);
            if sys::JS_IsException(v) {
                return Err(self.take_exception());
            }
            sys::JS_FreeValue(self.ctx, v);
        }
        Ok(self.global("out"))
    }

    /// Runs the event loop until nothing is pending (js_std_loop).
    pub fn run_loop(&self) {
        // SAFETY: ctx is live.
        unsafe { sys::js_std_loop(self.ctx) };
    }

    /// `String(globalThis[name])`.
    pub fn global(&self, name: &str) -> String {
        let name = CString::new(name).unwrap();
        // SAFETY: ctx is live; values freed here.
        unsafe {
            let g = sys::JS_GetGlobalObject(self.ctx);
            let v = sys::JS_GetPropertyStr(self.ctx, g, name.as_ptr());
            sys::JS_FreeValue(self.ctx, g);
            let s = self.to_string(v);
            sys::JS_FreeValue(self.ctx, v);
            s
        }
    }

    /// Records unhandled rejections (message of the reason) instead of
    /// qjs' exit-on-unhandled-rejection policy.
    pub fn track_rejections(&self) -> &'static std::sync::Mutex<Vec<String>> {
        static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        unsafe extern "C" fn tracker(
            ctx: *mut sys::JSContext,
            _p: sys::JSValue,
            reason: sys::JSValue,
            is_handled: bool,
            _o: *mut std::ffi::c_void,
        ) {
            if !is_handled {
                // SAFETY: the engine passes a live ctx and reason.
                let s = unsafe {
                    let p = sys::JS_ToCString(ctx, reason);
                    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
                    sys::JS_FreeCString(ctx, p);
                    s
                };
                SEEN.lock().unwrap().push(s);
            }
        }
        // SAFETY: rt is live; the tracker is a plain function.
        unsafe {
            sys::JS_SetHostPromiseRejectionTracker(self.rt, Some(tracker), std::ptr::null_mut())
        };
        &SEEN
    }

    pub fn pending(&self) -> i32 {
        // SAFETY: rt is live.
        unsafe { sys::rust_pending(self.rt) }
    }

    unsafe fn take_exception(&self) -> String {
        let e = sys::JS_GetException(self.ctx);
        let s = self.to_string(e);
        sys::JS_FreeValue(self.ctx, e);
        s
    }

    unsafe fn to_string(&self, v: sys::JSValue) -> String {
        let p = sys::JS_ToCString(self.ctx, v);
        if p.is_null() {
            let e = sys::JS_GetException(self.ctx);
            sys::JS_FreeValue(self.ctx, e);
            return "<unprintable>".into();
        }
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        sys::JS_FreeCString(self.ctx, p);
        s
    }
}

impl Drop for Js {
    fn drop(&mut self) {
        // SAFETY: the context and runtime made in new(), freed once, in qjs' order.
        unsafe {
            sys::js_std_free_handlers(self.rt);
            sys::JS_FreeContext(self.ctx);
            sys::JS_FreeRuntime(self.rt);
        }
    }
}

/// CPU time used so far by the calling thread.
#[cfg(unix)]
pub fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
