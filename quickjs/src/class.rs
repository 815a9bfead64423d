//! Rust structs as JS classes: the runtime side of `#[js] struct` and
//! `#[js] impl`.
//!
//! * A class is described by a [`ClassDef`] (made by `#[js] impl`): its
//!   constructor, prototype methods, accessors and static methods, each a
//!   [`NativeFunction`] whose trampoline goes through [`crate::native::call`].
//! * Per runtime the class gets a class id whose finalizer drops the Rust
//!   value; per context a prototype (methods, accessors,
//!   `Symbol.toStringTag`) and a constructor (static methods), made on first
//!   use: when a module exporting the class is imported, or when Rust first
//!   returns an instance.
//! * An instance owns its Rust value in a [`Slot`] with a borrow flag:
//!   `&self` methods share it, `&mut self` methods take it exclusively. A
//!   call that would break that rule (JS re-entering the object while a
//!   `&mut self` method runs) is a JS `TypeError`, never a panic or UB. The
//!   trampolines convert every argument before they borrow the receiver,
//!   because conversion can run user JS.

use crate::convert::FromJs;
use crate::error::{Error, Result};
use crate::native::NativeFunction;
use crate::value::{Ctx, Value};
use quickjs_sys as sys;
use std::cell::{Cell, UnsafeCell};
use std::ffi::CStr;
use std::os::raw::c_int;

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
    /// Bellard's QuickJS: the class id (global there), once allocated.
    #[doc(hidden)]
    pub global_id: std::sync::atomic::AtomicU32,
}

/// An instance's Rust value and its borrow state (readers count up, a
/// writer sets -1). The header comes first, so code that knows only a
/// parent class can reach the flag and the value.
#[repr(C)]
pub struct Slot<T> {
    header: SlotHeader,
    value: UnsafeCell<T>,
}

#[repr(C)]
struct SlotHeader {
    borrows: Cell<isize>,
    /// Points at `value` of the same Slot (the Box never moves).
    value: *mut (),
}

/// Classes with a parent that were registered in some runtime: where a
/// parent class's method looks for the class of a derived object.
static DERIVED: std::sync::Mutex<Vec<&'static ClassDef>> = std::sync::Mutex::new(Vec::new());

impl ClassDef {
    /// Whether `self` is `other` or extends it.
    fn is_a(&'static self, other: &'static ClassDef) -> bool {
        let mut d = Some(self);
        while let Some(def) = d {
            if std::ptr::eq(def, other) {
                return true;
            }
            d = def.parent.map(|p| p());
        }
        false
    }
}

/// The class id of `def` in `rt`, registering the class there if needed.
pub(crate) fn class_id(rt: *mut sys::JSRuntime, def: &'static ClassDef) -> Result<sys::JSClassID> {
    // Every method call looks up its class: quickjs-ng's ids are per runtime
    // (kept by its executor), so this thread remembers the last answer for
    // as long as no executor was freed (a new runtime may reuse an address;
    // a runtime that has class ids has an executor, freed with it).
    #[cfg(not(quickjs_bellard))]
    {
        thread_local! {
            static LAST: Cell<(usize, usize, u64, sys::JSClassID)> =
                const { Cell::new((0, 0, u64::MAX, 0)) };
        }
        let key = (def as *const ClassDef as usize, rt as usize);
        let generation = crate::bridge::freed_generation();
        let (d, r, g, id) = LAST.get();
        if (d, r) == key && g == generation {
            return Ok(id);
        }
        let id = crate::bridge::runtime_class_id(rt, def, |id| register(rt, def, id))?;
        LAST.set((key.0, key.1, generation, id));
        Ok(id)
    }
    #[cfg(quickjs_bellard)]
    {
        use std::sync::atomic::Ordering;
        let mut id = def.global_id.load(Ordering::Acquire);
        if id == 0 {
            // SAFETY: writes a fresh global id into `id`.
            unsafe { sys::JS_NewClassID(rt, &mut id) };
            if let Err(won) =
                def.global_id
                    .compare_exchange(0, id, Ordering::AcqRel, Ordering::Acquire)
            {
                id = won;
            }
        }
        // SAFETY: rt is live.
        if !unsafe { sys::JS_IsRegisteredClass(rt, id) } {
            register(rt, def, id)?;
        }
        Ok(id)
    }
}

/// Registers `def` in `rt` under `id`.
fn register(rt: *mut sys::JSRuntime, def: &'static ClassDef, id: sys::JSClassID) -> Result<()> {
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
    if def.parent.is_some() {
        let mut derived = DERIVED.lock().unwrap_or_else(|e| e.into_inner());
        if !derived.iter().any(|d| std::ptr::eq(*d, def)) {
            derived.push(def);
        }
    }
    Ok(())
}

/// The prototype of `def` in `ctx` (made with the constructor on first use).
fn prototype<'js>(ctx: Ctx<'js>, def: &'static ClassDef) -> Result<(sys::JSClassID, Value<'js>)> {
    let c = ctx.as_raw();
    // SAFETY: c is live.
    let id = class_id(unsafe { sys::JS_GetRuntime(c) }, def)?;
    // SAFETY: c live, id registered; we own the returned reference.
    let proto = unsafe { Value::from_raw(ctx, sys::JS_GetClassProto(c, id)) };
    if sys::JS_IsObject(proto.as_raw()) {
        return Ok((id, proto));
    }
    let parent = def.parent.map(|p| prototype(ctx, p())).transpose()?;
    // SAFETY: c live; the object is owned by the Value.
    let proto = ctx.check(unsafe {
        match &parent {
            Some((_, parent_proto)) => sys::JS_NewObjectProto(c, parent_proto.as_raw()),
            None => sys::JS_NewObject(c),
        }
    })?;
    for f in def.methods {
        define(&proto, f.c_name, function(ctx, f, sys::JS_CFUNC_generic)?)?;
    }
    for a in def.accessors {
        let get = a
            .get
            .map(|f| function(ctx, f, sys::JS_CFUNC_generic))
            .transpose()?;
        let set = a
            .set
            .map(|f| function(ctx, f, sys::JS_CFUNC_generic))
            .transpose()?;
        let undefined = || Value::undefined(ctx);
        // SAFETY: c live; the atom is freed here; both functions are handed over.
        unsafe {
            let atom = sys::JS_NewAtom(c, a.c_name.as_ptr());
            let r = sys::JS_DefinePropertyGetSet(
                c,
                proto.as_raw(),
                atom,
                get.unwrap_or_else(undefined).into_raw(),
                set.unwrap_or_else(undefined).into_raw(),
                sys::JS_PROP_CONFIGURABLE as c_int,
            );
            sys::JS_FreeAtom(c, atom);
            if r < 0 {
                return Err(Error::Exception);
            }
        }
    }
    let tag = ctx.eval::<Value>("Symbol.toStringTag")?;
    // SAFETY: c live; the atom is freed below; the name is handed over.
    unsafe {
        let atom = sys::JS_ValueToAtom(c, tag.as_raw());
        let name = ctx.check(sys::JS_NewStringLen(
            c,
            def.name.as_ptr().cast(),
            def.name.len(),
        ))?;
        let r = sys::JS_DefinePropertyValue(
            c,
            proto.as_raw(),
            atom,
            name.into_raw(),
            sys::JS_PROP_CONFIGURABLE as c_int,
        );
        sys::JS_FreeAtom(c, atom);
        if r < 0 {
            return Err(Error::Exception);
        }
    }
    let ctor = match def.constructor {
        Some(f) => function(ctx, f, sys::JS_CFUNC_constructor)?,
        None => {
            // SAFETY: c live; the function is owned by the returned Value.
            ctx.check(unsafe {
                sys::JS_NewCFunction2(
                    c,
                    Some(no_constructor),
                    def.c_name.as_ptr(),
                    0,
                    sys::JS_CFUNC_constructor,
                    0,
                )
            })?
        }
    };
    // SAFETY: c live; both values live (JS_SetConstructor dups what it keeps).
    unsafe { sys::JS_SetConstructor(c, ctor.as_raw(), proto.as_raw()) };
    if let Some((_, parent_proto)) = &parent {
        // The constructor inherits the parent's statics: Derived.__proto__ === Base.
        let parent_ctor =
            crate::Object::from_value(parent_proto.clone()).get::<_, Value>("constructor")?;
        // SAFETY: c live; both values live.
        if unsafe { sys::JS_SetPrototype(c, ctor.as_raw(), parent_ctor.as_raw()) } < 0 {
            return Err(Error::Exception);
        }
    }
    for f in def.statics {
        define(&ctor, f.c_name, function(ctx, f, sys::JS_CFUNC_generic)?)?;
    }
    // SAFETY: c live; JS_SetClassProto takes the reference we give it.
    unsafe { sys::JS_SetClassProto(c, id, proto.clone().into_raw()) };
    Ok((id, proto))
}

/// The constructor of `def` in `ctx` (what a module exports).
pub fn constructor<'js>(ctx: Ctx<'js>, def: &'static ClassDef) -> Result<Value<'js>> {
    let (_, proto) = prototype(ctx, def)?;
    crate::Object::from_value(proto).get("constructor")
}

/// Defines `obj[name] = value`, writable and configurable but not
/// enumerable, as class members are.
fn define<'js>(obj: &Value<'js>, name: &CStr, value: Value<'js>) -> Result<()> {
    let c = obj.ctx().as_raw();
    let flags = (sys::JS_PROP_WRITABLE | sys::JS_PROP_CONFIGURABLE) as c_int;
    // SAFETY: c live, obj live; the value is handed over.
    if unsafe {
        sys::JS_DefinePropertyValueStr(c, obj.as_raw(), name.as_ptr(), value.into_raw(), flags)
    } < 0
    {
        return Err(Error::Exception);
    }
    Ok(())
}

fn function<'js>(
    ctx: Ctx<'js>,
    f: &'static NativeFunction,
    kind: sys::JSCFunctionEnum,
) -> Result<Value<'js>> {
    // SAFETY: ctx live; the function is owned by the returned Value.
    ctx.check(unsafe {
        sys::JS_NewCFunction2(
            ctx.as_raw(),
            Some(f.func),
            f.c_name.as_ptr(),
            f.required as c_int,
            kind,
            0,
        )
    })
}

unsafe extern "C" fn no_constructor(
    ctx: *mut sys::JSContext,
    _this: sys::JSValue,
    _argc: c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: called by the engine with a live context.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    ctx.throw(Error::type_error(
        "this class has no constructor: instances come from Rust",
    ))
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
    let mut slot = Box::new(Slot {
        header: SlotHeader {
            borrows: Cell::new(0),
            value: std::ptr::null_mut(),
        },
        value: UnsafeCell::new(value),
    });
    slot.header.value = slot.value.get().cast();
    // SAFETY: obj is of class id, whose finalizer frees this Box.
    unsafe { sys::JS_SetOpaque(obj.as_raw(), Box::into_raw(slot).cast()) };
    Ok(obj)
}

/// The finalizer of class `T`: drops the instance's Rust value.
///
/// # Safety
/// Called by the engine for objects of `T`'s class.
pub unsafe extern "C" fn finalize<T: JsClass>(rt: *mut sys::JSRuntime, val: sys::JSValue) {
    // SAFETY: val is an object of T's class (the engine calls a class's
    // finalizer for its objects only); its opaque is the Slot<T> Box made by
    // `instance`, or null if construction failed half-way.
    let slot = unsafe { opaque_of_finalized(rt, val, T::class()) }.cast::<Slot<T>>();
    if !slot.is_null() {
        // Held values dropped here are freed at once, as a finalizer must.
        let _finalizing = crate::held::FinalizingGuard::enter(rt);
        // A panicking Drop must not unwind into C.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: the Box made by `instance`; the engine finalizes an
            // object once, and nothing uses the slot afterwards.
            drop(unsafe { Box::from_raw(slot) })
        }));
    }
}

/// The opaque pointer of an object being finalized (no class id lookup on
/// quickjs-ng: its runtime's state may already be gone).
unsafe fn opaque_of_finalized(
    _rt: *mut sys::JSRuntime,
    val: sys::JSValue,
    _def: &ClassDef,
) -> *mut std::ffi::c_void {
    #[cfg(not(quickjs_bellard))]
    {
        let mut id = 0;
        sys::JS_GetAnyOpaque(val, &mut id)
    }
    #[cfg(quickjs_bellard)]
    sys::JS_GetOpaque(
        val,
        _def.global_id.load(std::sync::atomic::Ordering::Acquire),
    )
}

/// The `#[js(trace)]` fields of a `#[js]` struct (implemented by `#[js]`).
pub trait Traced {
    /// Whether the struct has any (then its class gets a `gc_mark`).
    const TRACED: bool;
    /// Reports the held references of the traced fields.
    fn trace_fields(&self, tracer: &mut crate::held::Tracer);
}

/// The Rust value of an object of `T`'s class during its GC mark, if no
/// `&mut` borrow of it is active (else `None`: it is not read).
///
/// # Safety
/// `val` is an object of `T`'s class of `rt`, during its GC.
pub(crate) unsafe fn readable<'a, T: JsClass>(
    rt: *mut sys::JSRuntime,
    val: sys::JSValue,
) -> Option<&'a T> {
    let slot = opaque_of_finalized(rt, val, T::class()).cast::<Slot<T>>();
    if slot.is_null() || (*slot).header.borrows.get() < 0 {
        return None;
    }
    Some(&*(*slot).value.get())
}

/// The Rust value of a `T` instance (or of the `T` part of an instance of a
/// class extending `T`), shared: `&self`, a `&T` parameter.
pub struct ClassRef<'js, T: JsClass> {
    _obj: Value<'js>,
    header: *const SlotHeader,
    value: *const T,
}

/// The same, exclusive: `&mut self`, a `&mut T` parameter.
pub struct ClassMut<'js, T: JsClass> {
    _obj: Value<'js>,
    header: *const SlotHeader,
    value: *mut T,
}

/// The slot header of `value` and a pointer to its `T` part, if `value` is
/// an instance of `T` or of a class extending it.
fn find<'js, T: JsClass>(value: &Value<'js>) -> Result<(*const SlotHeader, *mut T)> {
    let def = T::class();
    let ctx = value.ctx();
    // SAFETY: ctx live.
    let rt = unsafe { sys::JS_GetRuntime(ctx.as_raw()) };
    let id = class_id(rt, def)?;
    // SAFETY: value live; a non-null opaque of class id is a Slot<T>.
    let slot = unsafe { sys::JS_GetOpaque(value.as_raw(), id) }.cast::<Slot<T>>();
    if !slot.is_null() {
        // SAFETY: a live Slot<T>.
        return Ok((slot.cast(), unsafe { (*slot).value.get() }));
    }
    // An instance of a derived class: walk from its class up to T.
    let derived: Vec<&'static ClassDef> = DERIVED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .copied()
        .filter(|d| d.is_a(def))
        .collect();
    for d in derived {
        let did = class_id(rt, d)?;
        // SAFETY: value live; a non-null opaque of class `did` is a Slot of
        // that class, whose header comes first.
        let header = unsafe { sys::JS_GetOpaque(value.as_raw(), did) }.cast::<SlotHeader>();
        if header.is_null() {
            continue;
        }
        // SAFETY: the header is live; each upcast maps a pointer to a class's
        // value to its parent part, down the chain that `is_a` checked.
        let mut ptr = unsafe { (*header).value };
        let mut at = d;
        while !std::ptr::eq(at, def) {
            let (Some(up), Some(parent)) = (at.upcast, at.parent) else {
                return Err(Error::internal(format!("{}: broken class chain", d.name)));
            };
            // SAFETY: ptr points at a live value of class `at` (see above).
            ptr = unsafe { up(ptr) };
            at = parent();
        }
        return Ok((header, ptr.cast()));
    }
    Err(Error::type_error(format!(
        "expected {}, got {}",
        def.name,
        value.type_name()
    )))
}

fn busy(def: &ClassDef) -> Error {
    Error::type_error(format!(
        "this {} is in use by a method that changes it (a re-entrant call)",
        def.name
    ))
}

impl<'js, T: JsClass> FromJs<'js> for ClassRef<'js, T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let (header, ptr) = find::<T>(value)?;
        // SAFETY: the slot lives as long as the object, which _obj keeps.
        let borrows = unsafe { &(*header).borrows };
        if borrows.get() < 0 {
            return Err(busy(T::class()));
        }
        borrows.set(borrows.get() + 1);
        Ok(ClassRef {
            _obj: value.clone(),
            header,
            value: ptr,
        })
    }
}

impl<'js, T: JsClass> FromJs<'js> for ClassMut<'js, T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let (header, ptr) = find::<T>(value)?;
        // SAFETY: as above.
        let borrows = unsafe { &(*header).borrows };
        if borrows.get() != 0 {
            return Err(busy(T::class()));
        }
        borrows.set(-1);
        Ok(ClassMut {
            _obj: value.clone(),
            header,
            value: ptr,
        })
    }
}

impl<T: JsClass> std::ops::Deref for ClassRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a shared borrow of the whole instance is registered, so no
        // writer exists; the object (kept by _obj) owns the value.
        unsafe { &*self.value }
    }
}

impl<T: JsClass> std::ops::Deref for ClassMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the exclusive borrow of the whole instance is registered.
        unsafe { &*self.value }
    }
}

impl<T: JsClass> std::ops::DerefMut for ClassMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the exclusive borrow is registered, and &mut self is unique.
        unsafe { &mut *self.value }
    }
}

impl<T: JsClass> Drop for ClassRef<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the slot is alive (_obj is dropped after this).
        let b = unsafe { &(*self.header).borrows };
        b.set(b.get() - 1);
    }
}

impl<T: JsClass> Drop for ClassMut<'_, T> {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { (*self.header).borrows.set(0) };
    }
}

/// The body of a constructor trampoline: like [`crate::native::call`], with
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
    F: for<'a, 'js> FnOnce(&crate::Args<'a, 'js>) -> Result<T>,
{
    crate::native::call(func, ctx, new_target, argc, argv, |args| {
        let value = body(args)?;
        instance(args.ctx(), value, Some(new_target))
    })
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
        self.map_err(crate::convert::error_from)
    }
}
