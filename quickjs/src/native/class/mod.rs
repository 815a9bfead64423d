//! Rust structs as JS classes: the runtime side of `#[js] struct` and
//! `#[js] impl`.
//!
//! * A class is described by a [`ClassDef`] (made by `#[js] impl`): its
//!   constructor, prototype methods, accessors and static methods, each a
//!   [`NativeFunction`] whose trampoline goes through the native call.
//! * Per runtime the class gets a class id (kept in the runtime's state,
//!   by the class's process-wide index) whose finalizer drops the Rust
//!   value; per context a prototype (methods, accessors,
//!   `Symbol.toStringTag`) and a constructor (static methods), made on
//!   first use: when a module exporting the class is imported, or when Rust
//!   first returns an instance.
//! * An instance owns its Rust value in a slot with a borrow flag
//!   (`cell.rs`); held JS values in its fields are traced (`trace.rs`).

pub(crate) mod cell;
pub(crate) mod registry;
pub(crate) mod trace;

pub use cell::{ClassMut, ClassRef};

use super::function::NativeFunction;
use crate::engine::convert::limits;
use crate::engine::handle::boundary;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::ContextState;
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use crate::engine::objects::object::{Function, Object};
use crate::engine::objects::realm::context_state;
use crate::engine::objects::types::{Symbol, WellKnownSymbol};
use quickjs_sys as sys;
use registry::NativeRuntime;
use std::ffi::CStr;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicU32, Ordering};

/// A Rust type exposed as a JS class (implemented by `#[js] impl`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a JS class yet",
    note = "a `#[js]` struct needs a `#[js] impl {Self} {{ .. }}` block (one that compiles) to become a class"
)]
pub trait JsClass: Sized + Send + 'static {
    /// The class's description.
    fn class() -> &'static ClassDef;
}

/// A getter/setter pair on the prototype (`#[js(get)]`, `#[js(set)]`).
#[derive(Debug)]
pub struct Accessor {
    /// The property name.
    pub name: &'static str,
    /// The same, NUL-terminated.
    pub c_name: &'static CStr,
    /// The getter (no arguments).
    pub get: Option<&'static NativeFunction>,
    /// The setter (one argument).
    pub set: Option<&'static NativeFunction>,
}

/// What `#[js] impl` says about a class.
#[derive(Debug)]
pub struct ClassDef {
    /// The JS name.
    pub name: &'static str,
    /// The same, NUL-terminated.
    pub c_name: &'static CStr,
    /// `new C(...)`; without one, JS cannot construct the class (Rust can
    /// still return instances).
    pub constructor: Option<&'static NativeFunction>,
    /// Prototype methods.
    pub methods: &'static [NativeFunction],
    /// Getters and setters.
    pub accessors: &'static [Accessor],
    /// Static methods (properties of the constructor).
    pub statics: &'static [NativeFunction],
    /// Drops an instance's Rust value (`finalize::<T>`).
    pub finalizer: unsafe extern "C" fn(*mut sys::JSRuntime, sys::JSValue),
    /// Reports the instance's held JS values to the GC (`held::mark::<T>`),
    /// for structs with `#[js(trace)]` fields.
    pub gc_mark: Option<unsafe extern "C" fn(*mut sys::JSRuntime, sys::JSValue, sys::JS_MarkFunc)>,
    /// The TypeScript declaration of the class (for `.d.ts` files).
    pub ts: fn() -> String,
    /// The `#[js]` class this one extends (`#[js(extends = Base)]`).
    pub parent: Option<fn() -> &'static ClassDef>,
    /// From a pointer to this class's Rust value to its parent part (the
    /// `#[js(base)]` field).
    pub upcast: Option<unsafe fn(*mut ()) -> *mut ()>,
    /// Where the class's ids are kept (`ClassIds::NEW`).
    #[doc(hidden)]
    pub ids: ClassIds,
}

/// A class's process-wide index (its place in each runtime's table of class
/// ids) and, on Bellard's QuickJS, its class id (global there). Both are
/// allocated on first use.
#[doc(hidden)]
#[derive(Debug)]
pub struct ClassIds {
    /// The index plus one (0: not allocated yet).
    index: AtomicU32,
    /// Bellard's QuickJS: the global class id (0: not allocated yet).
    #[cfg_attr(not(quickjs_bellard), allow(dead_code))]
    global: AtomicU32,
}

impl ClassIds {
    /// Nothing allocated yet.
    #[allow(clippy::declare_interior_mutable_const)] // each ClassDef static gets its own
    pub const NEW: ClassIds = ClassIds {
        index: AtomicU32::new(0),
        global: AtomicU32::new(0),
    };

    /// The class's process-wide index.
    #[inline]
    fn index(&self) -> usize {
        let i = self.index.load(Ordering::Acquire);
        if i != 0 {
            return i as usize - 1;
        }
        self.allocate_index()
    }

    #[cold]
    fn allocate_index(&self) -> usize {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let mine = NEXT.fetch_add(1, Ordering::Relaxed);
        match self
            .index
            .compare_exchange(0, mine, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => mine as usize - 1,
            Err(won) => won as usize - 1,
        }
    }

    /// Bellard's QuickJS: the global class id, allocated on first use.
    #[cfg(quickjs_bellard)]
    fn global(&self) -> sys::JSClassID {
        let id = self.global.load(Ordering::Acquire);
        if id != 0 {
            return id;
        }
        let mut id = 0;
        // SAFETY: writes a fresh global id into `id` (the runtime argument
        // is unused by Bellard's engine).
        unsafe { sys::JS_NewClassID(std::ptr::null_mut(), &mut id) };
        match self
            .global
            .compare_exchange(0, id, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => id,
            Err(won) => won,
        }
    }
}

impl ClassDef {
    /// Whether `self` is `other` or extends it.
    pub(crate) fn is_a(&'static self, other: &'static ClassDef) -> bool {
        let mut d = Some(self);
        while let Some(def) = d {
            if std::ptr::eq(def, other) {
                return true;
            }
            d = def.parent.map(|p| p());
        }
        false
    }

    /// The class's process-wide index.
    #[inline]
    pub(crate) fn index(&self) -> usize {
        self.ids.index()
    }
}

/// The class id of `def` in `ctx`'s runtime, registering the class there
/// on first use.
pub(crate) fn class_id(ctx: Ctx<'_>, def: &'static ClassDef) -> Result<sys::JSClassID> {
    let state = ContextState::runtime(ctx)?;
    if let Some(id) = state.class_id(def.index()) {
        return Ok(id);
    }
    let rt = state.rt();
    // quickjs-ng allocates class ids per runtime, Bellard's QuickJS once for
    // the process.
    #[cfg(not(quickjs_bellard))]
    let id = {
        let mut id = 0;
        // SAFETY: rt is live; writes a fresh id of this runtime into `id`.
        unsafe { sys::JS_NewClassID(rt, &mut id) };
        id
    };
    #[cfg(quickjs_bellard)]
    let id = def.ids.global();
    let c = sys::JSClassDef {
        class_name: def.c_name.as_ptr(),
        finalizer: Some(def.finalizer),
        gc_mark: def.gc_mark,
        call: None,
        exotic: std::ptr::null_mut(),
    };
    // SAFETY: rt is live; JS_NewClass copies the definition.
    if unsafe { sys::JS_NewClass(rt, id, &c) } < 0 {
        return Err(Error::internal(format!(
            "cannot register class {}",
            def.name
        )));
    }
    NativeRuntime::set_class(state, id, def);
    Ok(id)
}

/// The prototype of `def` in `ctx` (made with the constructor on first use).
fn prototype<'js>(ctx: Ctx<'js>, def: &'static ClassDef) -> Result<(sys::JSClassID, Value<'js>)> {
    let c = ctx.as_raw();
    let id = class_id(ctx, def)?;
    // SAFETY: c live, id registered; we own the returned reference.
    let proto = unsafe { Value::from_raw(ctx, sys::JS_GetClassProto(c, id)) };
    if sys::JS_IsObject(proto.as_raw()) {
        return Ok((id, proto));
    }
    // Methods find their class through the context's state from now on.
    context_state(ctx)?;
    let parent = def.parent.map(|p| prototype(ctx, p())).transpose()?;
    // SAFETY: c live; the object is owned by the Value.
    let proto = ctx.check(unsafe {
        match &parent {
            Some((_, parent_proto)) => sys::JS_NewObjectProto(c, parent_proto.as_raw()),
            None => sys::JS_NewObject(c),
        }
    })?;
    // The cold properties first (`Symbol.toStringTag`, `constructor`):
    // a later property heads its hash chain, so the members, defined
    // last, are found without stepping over them.
    let tag = ctx.value(Symbol::well_known(ctx, WellKnownSymbol::ToStringTag)?)?;
    let name = ctx.value(def.name)?;
    ctx.define(&proto, &ctx.atom_of(&tag)?, name, sys::JS_PROP_CONFIGURABLE)?;
    let ctor = match def.constructor {
        Some(f) => ctx.new_c_function(
            Some(f.func),
            f.c_name,
            f.required,
            sys::JS_CFUNC_constructor,
        )?,
        None => ctx.new_c_function(
            Some(no_constructor),
            def.c_name,
            0,
            sys::JS_CFUNC_constructor,
        )?,
    };
    // SAFETY: c live; both values live (JS_SetConstructor dups what it keeps).
    unsafe { sys::JS_SetConstructor(c, ctor.as_raw(), proto.as_raw()) };
    define_members(ctx, &proto, def.methods)?;
    for a in def.accessors {
        let get = a.get.map(|f| f.instantiate(ctx)).transpose()?;
        let set = a.set.map(|f| f.instantiate(ctx)).transpose()?;
        let undefined = || Value::undefined(ctx);
        let atom = ctx.atom(a.c_name)?;
        // SAFETY: c live; both functions are handed over.
        let r = unsafe {
            sys::JS_DefinePropertyGetSet(
                c,
                proto.as_raw(),
                atom.raw,
                get.unwrap_or_else(undefined).into_raw(),
                set.unwrap_or_else(undefined).into_raw(),
                sys::JS_PROP_CONFIGURABLE as c_int,
            )
        };
        if r < 0 {
            return Err(ctx.catch());
        }
    }
    if let Some((_, parent_proto)) = &parent {
        // The constructor inherits the parent's statics: Derived.__proto__ === Base.
        let parent_ctor =
            Object::from_value(parent_proto.clone()).get::<_, Value>("constructor")?;
        // SAFETY: c live; both values live.
        if unsafe { sys::JS_SetPrototype(c, ctor.as_raw(), parent_ctor.as_raw()) } < 0 {
            return Err(ctx.catch());
        }
    }
    define_members(ctx, &ctor, def.statics)?;
    // SAFETY: c live; JS_SetClassProto takes the reference we give it.
    unsafe { sys::JS_SetClassProto(c, id, proto.clone().into_raw()) };
    Ok((id, proto))
}

/// The constructor of the `#[js]` class `T` in `ctx` (its prototype made
/// on first use), to put anywhere without a module;
/// [`Object::set_class`] sets it under the class's JS name.
///
/// ```
/// #[quickjs::js]
/// #[derive(Clone)]
/// struct Point { x: f64, y: f64 }
/// #[quickjs::js]
/// impl Point {
///     #[js(constructor)]
///     fn new(x: f64, y: f64) -> Self { Point { x, y } }
///     pub fn norm(&self) -> f64 { self.x.hypot(self.y) }
/// }
/// fn main() {
///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
///     ctx.with(|ctx| {
///         let point = quickjs::class::constructor::<Point>(ctx).unwrap();
///         ctx.globals().set("P", point).unwrap();
///         assert_eq!(ctx.eval::<f64>("new P(3, 4).norm()").unwrap(), 5.0);
///     });
/// }
/// ```
pub fn constructor<'js, T: JsClass>(ctx: Ctx<'js>) -> Result<Function<'js>> {
    Function::from_js(&constructor_value(ctx, T::class())?)
}

/// The constructor of `def` in `ctx` (what a module exports).
pub(crate) fn constructor_value<'js>(ctx: Ctx<'js>, def: &'static ClassDef) -> Result<Value<'js>> {
    let (_, proto) = prototype(ctx, def)?;
    Object::from_value(proto).get("constructor")
}

/// Defines `fns` on `obj`, writable and configurable but not enumerable, as
/// class members are.
fn define_members<'js>(
    ctx: Ctx<'js>,
    obj: &Value<'js>,
    fns: &'static [NativeFunction],
) -> Result<()> {
    for f in fns {
        let member = sys::JS_PROP_WRITABLE | sys::JS_PROP_CONFIGURABLE;
        ctx.define(obj, &ctx.atom(f.c_name)?, f.instantiate(ctx)?, member)?;
    }
    Ok(())
}

unsafe extern "C" fn no_constructor(
    ctx: *mut sys::JSContext,
    _this: sys::JSValue,
    _argc: c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: called by the engine with a live context.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    boundary::enter(ctx, "constructor", || -> Result<Value<'_>> {
        Err(Error::type_error(
            "this class has no constructor: instances come from Rust",
        ))
    })
}

/// Wraps `value` in a new JS object of its class. `new_target` (from a
/// constructor call) gives the prototype, so JS subclasses work.
pub fn instance<'js, T: JsClass>(
    ctx: Ctx<'js>,
    value: T,
    new_target: Option<sys::JSValue>,
) -> Result<Value<'js>> {
    let (id, class_proto) = prototype(ctx, T::class())?;
    let c = ctx.as_raw();
    let proto = match new_target {
        Some(nt) if sys::JS_IsObject(nt) => {
            // SAFETY: nt is live for the call; we own the result.
            let p = ctx.check(unsafe { sys::JS_GetPropertyStr(c, nt, c"prototype".as_ptr()) })?;
            if sys::JS_IsObject(p.as_raw()) {
                p
            } else {
                class_proto
            }
        }
        _ => class_proto,
    };
    // SAFETY: c live, id registered in its runtime.
    let obj = ctx.check(unsafe { sys::JS_NewObjectProtoClass(c, proto.as_raw(), id) })?;
    // The Rust value counts as the runtime's memory while the object lives
    // (without it, its finalizer finds a null slot and counts nothing back).
    limits::count_held(ctx, cell::slot_size::<T>())?;
    // SAFETY: obj is of class id, whose finalizer (`cell::finalize::<T>`)
    // frees this slot and gives back its count.
    unsafe { sys::JS_SetOpaque(obj.as_raw(), cell::new_slot(value).cast()) };
    Ok(obj)
}

/// The body of a constructor trampoline: like the native call, with
/// `body` making the Rust value, which becomes the new object.
///
/// # Safety
/// The engine's C-function contract (`this` is `new.target`).
pub unsafe fn construct<T, F>(
    func: &'static NativeFunction,
    ctx: *mut sys::JSContext,
    new_target: sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    body: F,
) -> sys::JSValue
where
    T: JsClass,
    F: for<'a, 'js> FnOnce(&super::function::Args<'a, 'js>) -> Result<T>,
{
    // SAFETY: our caller's contract is the native call's.
    unsafe {
        super::function::call(func, ctx, new_target, argc, argv, |args| {
            let value = body(args)?;
            instance(args.ctx(), value, Some(new_target))
        })
    }
}

/// What a constructor may return: the value, or `Result<Self, E>` (an
/// `Err` is thrown like a function's, see [`crate::IntoJs`] for `Result`).
pub trait IntoInstance<T> {
    /// The value, or the error to throw.
    fn into_instance(self) -> Result<T>;
}

impl<T: JsClass> IntoInstance<T> for T {
    fn into_instance(self) -> Result<T> {
        Ok(self)
    }
}

impl<T: JsClass, E: std::fmt::Display + 'static> IntoInstance<T> for std::result::Result<T, E> {
    fn into_instance(self) -> Result<T> {
        self.map_err(crate::engine::convert::primitives::error_from)
    }
}

/// Classes on objects.
impl<'js> Object<'js> {
    /// Sets the constructor of the `#[js]` class `T` as the property named
    /// after the class (its JS name): `globals().set_class::<Point>()`
    /// makes `new Point(...)` work in scripts, without a module.
    ///
    /// ```
    /// #[quickjs::js]
    /// #[derive(Clone)]
    /// struct Counter { n: u32 }
    /// #[quickjs::js]
    /// impl Counter {
    ///     #[js(constructor)]
    ///     fn new() -> Self { Counter { n: 0 } }
    ///     pub fn tick(&mut self) -> u32 { self.n += 1; self.n }
    /// }
    /// fn main() {
    ///     let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    ///     ctx.with(|ctx| {
    ///         ctx.globals().set_class::<Counter>().unwrap();
    ///         assert_eq!(ctx.eval::<u32>("const c = new Counter(); c.tick(); c.tick()").unwrap(), 2);
    ///     });
    /// }
    /// ```
    pub fn set_class<T: JsClass>(&self) -> Result<()> {
        self.set(T::class().name, constructor::<T>(self.ctx())?)
    }
}
