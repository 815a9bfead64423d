//! Native modules: a [`NativeModule`] lists `#[js]` functions, classes and
//! constants under a specifier (`'rust'`); [`NativeModule::add_to`] declares one
//! in a context, [`add_rust`] (the body of every `JS_AddRust`) declares the
//! given and the [`register`]ed ones.
//!
//! A module is declared per context: its definition is recorded in the
//! context's state with the module it came from, and the initializer (run
//! when JS first imports it) finds it there, not by name in a global list.
//! Only [`register`] is process-wide, on purpose: it is how qjs and C hosts
//! offer modules to every context they make.
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

use super::function::NativeFunction;
use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::Result;
use crate::engine::handle::state::{ContextPart, ContextSlot};
use crate::engine::handle::value::Value;
use crate::engine::objects::realm::context_state;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::sync::Mutex;

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
    pub classes: &'static [fn() -> &'static super::class::ClassDef],
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
    /// Makes the module importable in `ctx` (`import { f } from 'name'`).
    ///
    /// ```
    /// #[quickjs::js]
    /// fn inc(x: i32) -> i32 { x + 1 }
    /// quickjs::module!(static M = "m" { inc });
    /// fn main() {
    ///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    ///     ctx.with(|ctx| {
    ///         M.add_to(ctx).unwrap();
    ///         let _: quickjs::Value = ctx.eval_with("import { inc } from 'm'; globalThis.r = inc(1)", "main.js", quickjs::EvalKind::Module).unwrap();
    ///         assert_eq!(ctx.globals().get::<_, i32>("r").unwrap(), 2);
    ///     });
    /// }
    /// ```
    pub fn add_to(&'static self, ctx: Ctx<'_>) -> Result<()> {
        declare(ctx, self)
    }

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

impl NativeModule {
    /// The function exported as `name`.
    ///
    /// ```
    /// #[quickjs::js]
    /// fn one() -> i32 { 1 }
    /// quickjs::module!(static M = "m" { one });
    /// fn main() {
    ///     assert_eq!(M.function("one").unwrap().required, 0);
    ///     assert!(M.function("two").is_none());
    /// }
    /// ```
    pub fn function(&self, name: &str) -> Option<&'static NativeFunction> {
        self.functions
            .iter()
            .find(|f| f.c_name.to_bytes() == name.as_bytes())
    }
}

/// The modules [`register`]ed for every `JS_AddRust`: process-wide on
/// purpose (qjs and C hosts declare them in each context they make).
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

/// The body of every `JS_AddRust`: declares `modules`, then every
/// [`register`]ed module not already declared under the same name, in `ctx`
/// as native ES modules. Idempotent per context: a second call for the same
/// context does nothing and returns 0 (a host that calls `JS_AddRust` twice
/// gets no duplicate modules). Returns 0, or -1 (null or mismatched
/// pointers, another thread's runtime, or an exception pending).
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
    // SAFETY: ctx is live when non-null (the caller's contract).
    if ctx.is_null() || rt.is_null() || unsafe { sys::JS_GetRuntime(ctx) } != rt {
        return -1;
    }
    if !crate::engine::handle::state::on_runtime_thread(rt) {
        return -1; // another thread's runtime: touching it would race
    }
    // SAFETY: ctx is live and used on this thread (the caller's contract).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    boundary::enter(ctx, "JS_AddRust", || {
        if NativeContext::of(ctx)?.mark_modules_added() {
            return Ok(()); // already done for this context
        }
        let mut all: Vec<&'static NativeModule> = modules.to_vec();
        for m in registered() {
            if !all.iter().any(|a| a.name == m.name) {
                all.push(m);
            }
        }
        all.into_iter().try_for_each(|m| declare(ctx, m))?;
        if let Some(observer) = ON_ADD_RUST.get() {
            observer(ctx.as_raw());
        }
        Ok(())
    })
}

/// Called for each context `JS_AddRust` prepares (set once: `qjs
/// --inspect` starts its inspector with the first).
static ON_ADD_RUST: std::sync::OnceLock<fn(*mut sys::JSContext)> = std::sync::OnceLock::new();

/// Sets the function called for each context `JS_AddRust` prepares (the
/// first setting stays).
#[cfg_attr(not(feature = "inspector"), allow(dead_code))]
pub(crate) fn on_add_rust(observer: fn(*mut sys::JSContext)) {
    let _ = ON_ADD_RUST.set(observer);
}

/// Declares `module` in `ctx` (its exports are made when JS imports it).
pub(crate) fn declare(ctx: Ctx<'_>, module: &'static NativeModule) -> Result<()> {
    let state = NativeContext::of(ctx)?;
    let name = CString::new(module.name).map_err(|_| {
        crate::engine::handle::error::Error::type_error("module name contains a NUL byte")
    })?;
    // SAFETY: ctx is live; the module definition belongs to the context.
    let m = unsafe { sys::JS_NewCModule(ctx.as_raw(), name.as_ptr(), Some(init_module)) };
    if m.is_null() {
        return Err(ctx.catch());
    }
    state.add_module(m, module);
    let names = module
        .functions
        .iter()
        .map(|f| f.c_name)
        .chain(module.classes.iter().map(|c| c().c_name))
        .chain(module.constants.iter().map(|c| c.c_name));
    for name in names {
        // SAFETY: ctx and m are live; the name is NUL-terminated.
        if unsafe { sys::JS_AddModuleExport(ctx.as_raw(), m, name.as_ptr()) } < 0 {
            return Err(ctx.catch());
        }
    }
    Ok(())
}

/// The module initializer: makes the exports when JS first imports the
/// module (found through the context's state by its definition).
unsafe extern "C" fn init_module(ctx: *mut sys::JSContext, m: *mut sys::JSModuleDef) -> c_int {
    // SAFETY: called by the engine with a live ctx and module.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    boundary::enter(ctx, "module initializer", || {
        let module = NativeContext::of_if_made(ctx)
            .and_then(|s| s.module(m))
            .ok_or_else(|| {
                crate::engine::handle::error::Error::internal(
                    "a native module was imported in a context that did not declare it",
                )
            })?;
        let set = |name: &CStr, value: Value<'_>| {
            // SAFETY: ctx and m are live; the value is handed over.
            if unsafe { sys::JS_SetModuleExport(ctx.as_raw(), m, name.as_ptr(), value.into_raw()) }
                < 0
            {
                return Err(ctx.catch());
            }
            Ok(())
        };
        for f in module.functions {
            set(f.c_name, f.instantiate(ctx)?)?;
        }
        for c in module.classes {
            set(c().c_name, super::class::constructor_value(ctx, c())?)?;
        }
        for c in module.constants {
            set(c.c_name, (c.value)(ctx)?)?;
        }
        Ok(())
    })
}

/// The native layer's part of a context's state.
#[derive(Default)]
pub(crate) struct NativeContext {
    /// `JS_AddRust` already ran for this context.
    modules_added: Cell<bool>,
    /// The native modules declared in this context, by module definition.
    modules: RefCell<Vec<(*mut sys::JSModuleDef, &'static NativeModule)>>,
}

impl ContextPart for NativeContext {
    const SLOT: ContextSlot = ContextSlot::Native;
}

impl NativeContext {
    /// The part of `ctx`'s state, made (with the state) on first use.
    pub(crate) fn of<'a>(ctx: Ctx<'_>) -> Result<&'a NativeContext> {
        Ok(context_state(ctx)?.part(NativeContext::default))
    }

    /// The part of `ctx`'s state, if it was made.
    pub(crate) fn of_if_made<'a>(ctx: Ctx<'_>) -> Option<&'a NativeContext> {
        crate::engine::handle::state::ContextState::of(ctx)?.part_if_made()
    }

    /// Records that `JS_AddRust` ran for this context; whether it had already.
    pub(crate) fn mark_modules_added(&self) -> bool {
        self.modules_added.replace(true)
    }

    /// Records that `def` is the module definition of `module` here.
    pub(crate) fn add_module(&self, def: *mut sys::JSModuleDef, module: &'static NativeModule) {
        self.modules.borrow_mut().push((def, module));
    }

    /// The native module of module definition `def`.
    pub(crate) fn module(&self, def: *mut sys::JSModuleDef) -> Option<&'static NativeModule> {
        self.modules
            .borrow()
            .iter()
            .find(|(d, _)| *d == def)
            .map(|&(_, m)| m)
    }
}
