//! The C-function boundary: what `#[js]` trampolines call, native modules, and
//! `JS_AddRust`, which turns registered modules into ES modules.
//!
//! ```
//! #[quickjs::js]
//! fn square(x: f64) -> f64 { x * x }
//! quickjs::module!(static MATH = "math" { square });
//!
//! fn main() {
//!     quickjs::register(&MATH); // now every JS_AddRust (qjs, C hosts) offers 'math'
//!     assert_eq!(MATH.functions[0].required, 1);
//! }
//! ```

use crate::bridge;
use crate::convert::{FromJs, IntoJs};
use crate::error::{Error, Result};
use crate::value::{Ctx, Value};
use quickjs_sys as sys;
use std::ffi::{CStr, CString};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

/// The engine's C-function signature (`JSCFunction`).
///
/// ```
/// #[quickjs::js]
/// fn one() -> i32 { 1 }
/// fn main() {
///     let f: quickjs::native::RawFunction = one::EXPORT.func;
///     let _ = f;
/// }
/// ```
pub type RawFunction = unsafe extern "C" fn(
    *mut sys::JSContext,
    sys::JSValue,
    c_int,
    *mut sys::JSValue,
) -> sys::JSValue;

/// One exported function, as `#[js]` describes it (`<fn>::EXPORT`; class
/// members are described the same way).
///
/// ```
/// #[quickjs::js]
/// fn add(a: i32, b: Option<i32>) -> i32 { a + b.unwrap_or(0) }
/// fn main() {
///     let f = &add::EXPORT;
///     assert_eq!((f.name, f.required, f.max), ("add", 1, 2));
/// }
/// ```
#[derive(Debug)]
pub struct NativeFunction {
    /// What errors call it: the JS name, `Class.member` for class members.
    pub name: &'static str,
    /// The JS name (the function's `name`), NUL-terminated, for the engine.
    pub c_name: &'static CStr,
    /// Required argument count: the function's `length`.
    pub required: u32,
    /// Maximum argument count (required + trailing `Option<T>` parameters;
    /// `u32::MAX` with a rest parameter).
    pub max: u32,
    /// The trampoline.
    pub func: RawFunction,
    /// Its TypeScript signature: `(a: number, b?: string): boolean`.
    pub ts: fn() -> String,
}

/// A named set of functions, classes and constants that JS imports:
/// `import { fib } from 'rust'`. Declare one with [`crate::module!`].
///
/// ```
/// #[quickjs::js]
/// fn hi() -> &'static str { "hi" }
/// quickjs::module!(pub static GREET = "greet" { hi });
/// fn main() {
///     assert_eq!(GREET.name, "greet");
///     assert_eq!(GREET.functions.len(), 1);
/// }
/// ```
#[derive(Debug)]
pub struct NativeModule {
    /// The module specifier, e.g. `"rust"`.
    pub name: &'static str,
    /// Its functions.
    pub functions: &'static [NativeFunction],
    /// Its classes (`#[js]` structs), exported under their JS names.
    pub classes: &'static [fn() -> &'static crate::class::ClassDef],
    /// Its constants.
    pub constants: &'static [Constant],
}

/// A constant export of a [`NativeModule`].
#[derive(Debug)]
pub struct Constant {
    /// The export name, NUL-terminated.
    pub c_name: &'static CStr,
    /// Makes its value in a context.
    pub value: for<'js> fn(Ctx<'js>) -> Result<Value<'js>>,
    /// Its TypeScript type.
    pub ts: fn() -> String,
}

impl NativeModule {
    /// The module's TypeScript declarations (a `.d.ts` file): an ambient
    /// `declare module '<name>'` with every function (parameter names and
    /// types), class and constant.
    ///
    /// ```
    /// #[quickjs::js]
    /// fn add(a: i32, b: Option<i32>) -> i32 { a + b.unwrap_or(0) }
    /// quickjs::module!(static M = "m" { add } consts { ANSWER: u8 = 42 });
    /// fn main() {
    ///     assert_eq!(M.typescript(), "declare module 'm' {\n  export function add(a: number, b?: number): number;\n  export const ANSWER: number;\n}\n");
    /// }
    /// ```
    pub fn typescript(&self) -> String {
        let mut out = format!("declare module '{}' {{\n", self.name);
        for f in self.functions {
            out += &format!(
                "  export function {}{};\n",
                f.c_name.to_string_lossy(),
                (f.ts)()
            );
        }
        for class in self.classes {
            for line in (class().ts)().lines() {
                out += &format!("  {line}\n");
            }
        }
        for c in self.constants {
            out += &format!(
                "  export const {}: {};\n",
                c.c_name.to_string_lossy(),
                (c.ts)()
            );
        }
        out + "}\n"
    }
}

/// A `#[js]` parameter that receives `this` (it is not a JS argument).
///
/// ```
/// use quickjs::native::This;
/// #[quickjs::js]
/// fn describe(this: This<quickjs::Value>, suffix: String) -> String {
///     format!("{}{suffix}", this.0.type_name())
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone)]
pub struct This<T>(pub T);

/// A `#[js]` function's last parameter that takes the remaining arguments,
/// like JS's `...rest`.
///
/// ```
/// use quickjs::native::Rest;
/// #[quickjs::js]
/// fn sum(first: f64, rest: Rest<f64>) -> f64 { first + rest.0.iter().sum::<f64>() }
/// fn main() { assert_eq!((sum::EXPORT.required, sum::EXPORT.max), (1, u32::MAX)); }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Rest<T>(pub Vec<T>);

impl<T: crate::TypeScript> crate::TypeScript for Rest<T> {
    fn ts() -> String {
        T::ts()
    }
}

thread_local! {
    /// Set while a `#[js]` function holds bytes borrowed from a JS buffer:
    /// the safe API refuses to run JS on this thread meanwhile.
    static NO_JS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While alive, the safe API cannot run JS on this thread
/// ([`crate::Context::with`], the runtime's job loop, [`crate::AsyncCtx::with`]
/// return an error): `#[js]` functions with `&[u8]` parameters hold one
/// while the borrowed bytes live, so no JS can detach the buffer under them.
#[doc(hidden)]
pub struct NoJsGuard(bool);

impl NoJsGuard {
    /// Forbids JS on this thread until dropped.
    #[inline(always)]
    pub fn enter() -> Self {
        NoJsGuard(NO_JS.replace(true))
    }
}

impl Drop for NoJsGuard {
    #[inline(always)]
    fn drop(&mut self) {
        NO_JS.set(self.0);
    }
}

/// An error if JS may not run on this thread now (see [`NoJsGuard`]).
#[inline]
pub(crate) fn check_js_allowed() -> Result<()> {
    if NO_JS.get() {
        return Err(Error::internal(
            "JS cannot run while a #[js] function borrows bytes from a JS buffer",
        ));
    }
    Ok(())
}

static MODULES: Mutex<Vec<&'static NativeModule>> = Mutex::new(Vec::new());

/// Makes `module` available to every context set up afterwards with
/// `JS_AddRust` (qjs does that for each context it creates). Registering a
/// module under a name already taken replaces the earlier one.
///
/// ```
/// #[quickjs::js]
/// fn double(x: f64) -> f64 { x * 2.0 }
///
/// quickjs::module!(static MATH = "math" { double });
///
/// fn main() {
///     quickjs::register(&MATH);
///     assert_eq!(MATH.functions[0].name, "double");
/// }
/// ```
pub fn register(module: &'static NativeModule) {
    let mut modules = MODULES.lock().unwrap_or_else(|e| e.into_inner());
    modules.retain(|m| m.name != module.name);
    modules.push(module);
}

fn registered() -> Vec<&'static NativeModule> {
    MODULES.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The arguments of one native call, converted on demand.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Function, IntoJs};
/// ctx.with(|ctx| {
///     let count = Function::new(ctx, "count", 0, |args| (args.len() as i32).into_js(args.ctx())).unwrap();
///     ctx.globals().set("count", count).unwrap();
///     assert_eq!(ctx.eval::<i32>("count(1, 2, 3)").unwrap(), 3);
/// });
/// ```
pub struct Args<'a, 'js> {
    ctx: Ctx<'js>,
    this: sys::JSValue,
    argv: &'a [sys::JSValue],
    /// The function's name, for error messages.
    name: &'a str,
}

impl<'a, 'js> Args<'a, 'js> {
    /// Wraps the engine's arguments.
    ///
    /// # Safety
    /// `ctx` live; `this` and `argv`'s `argc` values live for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn new(
        ctx: Ctx<'js>,
        this: sys::JSValue,
        argc: c_int,
        argv: *mut sys::JSValue,
        name: &'a str,
    ) -> Self {
        let argv = if argc <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(argv, argc as usize)
        };
        Args {
            ctx,
            this,
            argv,
            name,
        }
    }

    /// The function's name (as errors show it).
    #[inline(always)]
    pub fn name(&self) -> &str {
        self.name
    }

    /// `this` of the call, converted; an error names the function.
    #[inline(always)]
    pub fn this<T: FromJs<'js>>(&self) -> Result<T> {
        // SAFETY: this is live for the call; ManuallyDrop keeps the borrowed
        // reference from being freed.
        let value = ManuallyDrop::new(unsafe { Value::from_raw(self.ctx, self.this) });
        T::from_js(&value).map_err(|e| e.prefixed(format_args!("{}: this", self.name)))
    }

    /// Arguments `from..` converted, for a rest parameter; an error names
    /// the function and the 1-based position.
    pub fn rest<T: FromJs<'js>>(&self, from: usize) -> Result<Vec<T>> {
        (from..self.argv.len().max(from))
            .map(|i| self.get(i))
            .collect()
    }

    /// How many arguments the caller passed.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::new(ctx, "n", 0, |args| (args.len() as u32).into_js(args.ctx())).unwrap();
    ///     assert_eq!(f.call::<_, u32>((1, 2)).unwrap(), 2);
    /// });
    /// ```
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.argv.len()
    }

    /// Whether the caller passed none.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::new(ctx, "e", 0, |args| args.is_empty().into_js(args.ctx())).unwrap();
    ///     assert!(f.call::<_, bool>(()).unwrap());
    /// });
    /// ```
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.argv.is_empty()
    }

    /// The context of the call.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::new(ctx, "s", 0, |args| "made in the call's context".into_js(args.ctx())).unwrap();
    ///     assert_eq!(f.call::<_, String>(()).unwrap().len(), 26);
    /// });
    /// ```
    #[inline(always)]
    pub fn ctx(&self) -> Ctx<'js> {
        self.ctx
    }

    /// Converts argument `i` (0-based; a missing one is `undefined`); an error
    /// names the function and the 1-based position.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, IntoJs};
    /// ctx.with(|ctx| {
    ///     let f = Function::new(ctx, "f", 1, |args| args.get::<i32>(0)?.into_js(args.ctx())).unwrap();
    ///     ctx.globals().set("f", f).unwrap();
    ///     assert_eq!(ctx.eval::<String>("try { f('x') } catch (e) { e.message }").unwrap(), "f: argument 1: expected number, got string");
    /// });
    /// ```
    #[inline(always)]
    pub fn get<T: FromJs<'js>>(&self, i: usize) -> Result<T> {
        let raw = self.argv.get(i).copied().unwrap_or(sys::JS_UNDEFINED);
        // SAFETY: argv[i] is live for the call; ManuallyDrop keeps the
        // borrowed reference from being freed.
        let value = ManuallyDrop::new(unsafe { Value::from_raw(self.ctx, raw) });
        T::from_js(&value)
            .map_err(|e| e.prefixed(format_args!("{}: argument {}", self.name, i + 1)))
    }
}

/// The body of a synchronous trampoline: arity check, argument conversion and
/// call (`body`), result conversion, and the panic boundary.
///
/// # Safety
/// The engine's C-function contract: `ctx` live, `argv` has `argc` live values.
///
/// ```
/// // What `#[js] fn neg(x: i32) -> i32` expands to, by hand:
/// use quickjs::{native, sys, IntoJs, NativeFunction};
/// const NEG: NativeFunction = NativeFunction { name: "neg", c_name: c"neg", required: 1, max: 1, func: neg, ts: || "(x: number): number".into() };
/// unsafe extern "C" fn neg(ctx: *mut sys::JSContext, this: sys::JSValue, argc: i32, argv: *mut sys::JSValue) -> sys::JSValue {
///     // SAFETY: called by the engine with a live context and argc arguments.
///     unsafe { native::call(&NEG, ctx, this, argc, argv, |args| (-args.get::<i32>(0)?).into_js(args.ctx())) }
/// }
/// fn main() { assert_eq!(NEG.required, 1); }
/// ```
#[inline(always)]
pub unsafe fn call<F>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    F: for<'a, 'js> FnOnce(&Args<'a, 'js>) -> Result<Value<'js>>,
{
    let ctx = Ctx::from_raw(ctx);
    let watch = crate::limits::InterruptWatch::start();
    match boundary(func, ctx, this, argc, argv, body) {
        Ok(value) if watch.quiet() => value.into_raw(),
        Ok(value) => finish(ctx, watch, Ok(value)),
        Err(e) => finish(ctx, watch, Err(e)),
    }
}

/// The body of an `async fn` trampoline: like [`call`], but `body` returns the
/// future, which is spawned on the runtime's executor; the result is a Promise
/// settled with the future's output (an `Err` or a panic rejects it).
/// Argument errors throw synchronously, as for a synchronous function.
///
/// # Safety
/// As [`call`].
///
/// ```
/// // `#[js] async fn` uses call_async; see `quickjs-macro` for the expansion.
/// #[quickjs::js]
/// async fn later(x: i32) -> i32 { x }
/// fn main() { assert_eq!(later::EXPORT.name, "later"); }
/// ```
#[inline(always)]
pub unsafe fn call_async<F, Fut>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    F: for<'a, 'js> FnOnce(&Args<'a, 'js>) -> Result<Fut>,
    Fut: Future + Send + 'static,
    Fut::Output: for<'js> IntoJs<'js> + Send + 'static,
{
    let ctx = Ctx::from_raw(ctx);
    let watch = crate::limits::InterruptWatch::start();
    match boundary(func, ctx, this, argc, argv, body).and_then(|f| watch.check(ctx).map(|()| f)) {
        Ok(future) => bridge::spawn(ctx, func.name, future),
        Err(e) => ctx.throw(e),
    }
}

/// The raw result of a call that failed, or during which an interrupt
/// reached Rust (then the interrupt, whatever the call returned).
#[cold]
#[inline(never)]
pub(crate) fn finish(
    ctx: Ctx<'_>,
    watch: crate::limits::InterruptWatch,
    r: Result<Value<'_>>,
) -> sys::JSValue {
    match watch.check(ctx).and(r) {
        Ok(value) => value.into_raw(),
        Err(e) => ctx.throw(e),
    }
}

/// What both trampolines share: the arity check, then `body` (argument
/// conversion and the call) inside the panic boundary.
#[inline(always)]
unsafe fn boundary<'js, T, F>(
    func: &'static NativeFunction,
    ctx: Ctx<'js>,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> Result<T>
where
    F: for<'a> FnOnce(&Args<'a, 'js>) -> Result<T>,
{
    let args = args(func, ctx, this, argc, argv)?;
    guarded(func.name, || body(&args))
}

/// The panic boundary around Rust code that C calls: a panic becomes an
/// `InternalError` naming `name`.
#[inline(always)]
pub(crate) fn guarded<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| Err(panic_error(name, panic)))
}

#[inline(always)]
unsafe fn args<'a, 'js>(
    func: &'static NativeFunction,
    ctx: Ctx<'js>,
    this: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
) -> Result<Args<'a, 'js>> {
    let n = argc.max(0) as u32;
    if n < func.required || n > func.max {
        return Err(arity_error(func, n));
    }
    Ok(Args::new(ctx, this, argc, argv, func.name))
}

#[cold]
fn arity_error(func: &NativeFunction, got: u32) -> Error {
    let expected = match (func.required, func.max) {
        (r, m) if r == m => format!("{r} argument{}", if r == 1 { "" } else { "s" }),
        (r, u32::MAX) => format!("at least {r} argument{}", if r == 1 { "" } else { "s" }),
        (r, m) => format!("{r} to {m} arguments"),
    };
    Error::type_error(format!("{}: expected {expected}, got {got}", func.name))
}

/// A panic caught at the boundary, as a JS `InternalError`.
#[cold]
pub(crate) fn panic_error(name: &str, panic: Box<dyn std::any::Any + Send>) -> Error {
    let msg = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string payload".into());
    Error::internal(format!("{name}: Rust panic: {msg}"))
}

/// The body of every `JS_AddRust`: declares `modules`, then every
/// [`register`]ed module, in `ctx` as native ES modules. Idempotent per
/// context: a second call for the same context does nothing and returns 0
/// (a host that calls `JS_AddRust` twice gets no duplicate modules). Returns
/// 0, or -1 (null or mismatched pointers, or an exception pending).
///
/// Call it through [`crate::js_add_rust!`], which defines the C symbol.
///
/// # Safety
/// `ctx` must be null or a live context, used on this thread; `rt` must be
/// null or a live runtime.
pub unsafe fn add_rust(
    ctx: *mut sys::JSContext,
    rt: *mut sys::JSRuntime,
    modules: &[&'static NativeModule],
) -> c_int {
    if ctx.is_null() || rt.is_null() || sys::JS_GetRuntime(ctx) != rt {
        return -1;
    }
    if !crate::bridge::on_runtime_thread(rt) {
        return -1; // another thread's runtime: touching it would race
    }
    for m in modules {
        register(m);
    }
    // SAFETY: ctx is live and used on this thread (caller's contract).
    match crate::bridge::mark_modules_added(Ctx::from_raw(ctx)) {
        Ok(true) => return 0, // already done for this context
        Ok(false) => {}
        Err(_) => return -1,
    }
    for module in registered() {
        if add_module(ctx, module) < 0 {
            return -1;
        }
    }
    0
}

/// The default `JS_AddRust` (a weak C symbol in quickjs-sys forwards here):
/// adds the [`register`]ed modules.
///
/// # Safety
/// As [`add_rust`].
#[no_mangle]
pub unsafe extern "C" fn quickjs_rust_add_registered(
    ctx: *mut sys::JSContext,
    rt: *mut sys::JSRuntime,
) -> c_int {
    add_rust(ctx, rt, &[])
}

/// Declares `module` in `ctx` (its functions are made when JS imports it).
/// Returns 0, or -1 with an exception pending.
///
/// # Safety
/// `ctx` must be a live context, used on this thread; `module` must be
/// registered (the initializer finds it by name).
pub(crate) unsafe fn add_module(ctx: *mut sys::JSContext, module: &NativeModule) -> c_int {
    let Ok(name) = CString::new(module.name) else {
        return -1;
    };
    let m = sys::JS_NewCModule(ctx, name.as_ptr(), Some(init_module));
    if m.is_null() {
        return -1;
    }
    let names = module
        .functions
        .iter()
        .map(|f| f.c_name)
        .chain(module.classes.iter().map(|c| c().c_name))
        .chain(module.constants.iter().map(|c| c.c_name));
    for name in names {
        if sys::JS_AddModuleExport(ctx, m, name.as_ptr()) < 0 {
            return -1;
        }
    }
    0
}

/// The module initializer: creates the function objects when JS first imports
/// the module.
unsafe extern "C" fn init_module(ctx: *mut sys::JSContext, m: *mut sys::JSModuleDef) -> c_int {
    // SAFETY: called by the engine with a live ctx and module.
    let atom = sys::JS_GetModuleName(ctx, m);
    let cname = sys::JS_AtomToCString(ctx, atom);
    sys::JS_FreeAtom(ctx, atom);
    if cname.is_null() {
        return -1;
    }
    let name = CStr::from_ptr(cname).to_bytes().to_vec();
    sys::JS_FreeCString(ctx, cname);
    let Some(module) = registered().into_iter().find(|m| m.name.as_bytes() == name) else {
        return -1;
    };
    for f in module.functions {
        let value = sys::JS_NewCFunction2(
            ctx,
            Some(f.func),
            f.c_name.as_ptr(),
            f.required as c_int,
            sys::JS_CFUNC_generic,
            0,
        );
        if sys::JS_IsException(value)
            || sys::JS_SetModuleExport(ctx, m, f.c_name.as_ptr(), value) < 0
        {
            return -1;
        }
    }
    let js = Ctx::from_raw(ctx);
    let exports = module
        .classes
        .iter()
        .map(|c| (c().c_name, crate::class::constructor(js, c())))
        .chain(module.constants.iter().map(|c| (c.c_name, (c.value)(js))));
    for (name, value) in exports {
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                js.throw(e);
                return -1;
            }
        };
        if sys::JS_SetModuleExport(ctx, m, name.as_ptr(), value.into_raw()) < 0 {
            return -1;
        }
    }
    0
}
