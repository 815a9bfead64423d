//! The one boundary between the engine and `#[js]` Rust code: what the
//! generated `extern "C"` functions call. A call checks its arity, hands
//! the body its arguments (read from the engine's stack slots, which the
//! collector keeps current), and turns an `Err` (or, with `std`, a panic)
//! into a thrown JS error; nothing unwinds into C.
//!
//! Class instances are JS objects of the class's `JS_CLASS_USER` id whose
//! opaque pointer is a boxed `Cell`: a [`Head`] (the borrow flag, how to
//! find a class's value inside the instance's, how to free it) and the
//! Rust value. A borrow asks the instance's own `find` for the requested
//! type (by `TypeId`): the value itself, its base class's part (a
//! `#[js(base)]` field), or nothing (a `TypeError`), so no class id is
//! ever trusted to name the Rust type. A re-entrant call that would alias
//! a `&mut self` is a `TypeError`; one finalizer for every class frees the
//! box. Instances are only made in a context that runs their class's
//! standard library (`JS_IsStdlib`), so an id is always one of its
//! classes.

use crate::context::{Ctx, NoJs};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{string_bytes, FromJs, IntoJs, Token};
use core::any::TypeId;
use core::ffi::c_int;
use mquickjs_sys as sys;

/// A native function as `#[js]` declared it.
pub struct FnInfo {
    /// Its JS name (`Counter.prototype.add` is `add`).
    pub name: &'static str,
    /// Arguments required (the JS `length`).
    pub required: usize,
    /// Arguments taken at most.
    pub max: usize,
    /// More than `max` is an error too.
    pub strict: bool,
    /// The parameters' names, in order.
    pub params: &'static [&'static str],
}

/// A class as the build declared it (`CLASSES` of the generated file).
pub struct ClassInfo {
    /// The Rust type's name.
    pub(crate) rust: &'static str,
    /// The JS name.
    pub(crate) js: &'static str,
}

impl ClassInfo {
    /// # Safety
    /// As the build declared it: the class's position in the list is its
    /// id's offset in the library `STDLIB` names (what `stdlib!()`'s
    /// generated file passes; a forged list would give ids the library
    /// does not have).
    pub const unsafe fn new(rust: &'static str, js: &'static str) -> Self {
        ClassInfo { rust, js }
    }
}

/// `index` of the class `rust` in `classes` (a build error with a clear
/// message, in a constant, if the build did not declare it).
pub const fn class_index(classes: &[ClassInfo], rust: &str) -> usize {
    let mut i = 0;
    while i < classes.len() {
        if str_eq(classes[i].rust, rust) {
            return i;
        }
        i += 1;
    }
    panic!("#[js] class not declared in build.rs: add the file that defines it with `Stdlib::module(..)`");
}

/// Checks that the build declared the function `rust` with `length` (a
/// build error, in a constant, otherwise).
pub const fn declared_fn(functions: &[(&str, &str, usize)], rust: &str, length: usize) {
    let mut i = 0;
    while i < functions.len() {
        if str_eq(functions[i].0, rust) {
            if functions[i].2 != length {
                panic!(
                    "#[js] function: build.rs declared another length (rebuild: the file changed?)"
                );
            }
            return;
        }
        i += 1;
    }
    panic!("#[js] function not declared in build.rs: add the file that defines it with `Stdlib::module(..)`");
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A native call's arguments.
pub struct Call<'a> {
    ctx: Ctx<'a>,
    this: *mut sys::JSValue,
    argc: usize,
    argv: *mut sys::JSValue,
    info: &'static FnInfo,
}

/// JS's `typeof`, roughly, for errors.
fn type_name(ctx: Ctx<'_>, v: sys::JSValue) -> &'static str {
    // SAFETY: a live context, a current value; no allocation.
    unsafe {
        match v {
            sys::JS_UNDEFINED => "undefined",
            sys::JS_NULL => "null",
            _ if sys::JS_IsBool(v) => "boolean",
            _ if sys::JS_IsNumber(ctx.raw(), v) != 0 => "number",
            _ if sys::JS_IsString(ctx.raw(), v) != 0 => "string",
            _ if sys::JS_IsFunction(ctx.raw(), v) != 0 => "function",
            _ => "object",
        }
    }
}

impl<'a> Call<'a> {
    /// The context.
    pub fn ctx(&self) -> Ctx<'a> {
        self.ctx
    }

    /// Argument `i`, current (undefined past the end).
    fn raw(&self, i: usize) -> sys::JSValue {
        if i < self.argc {
            // SAFETY: argv holds argc values (the engine's stack slots).
            unsafe { *self.argv.add(i) }
        } else {
            sys::JS_UNDEFINED
        }
    }

    fn wrong(&self, i: usize, expected: &str, v: sys::JSValue) -> Error {
        Error::with_args(
            ErrorKind::TypeError,
            format_args!(
                "{}: argument {}: expected {expected}, got {}",
                self.info.name,
                i + 1,
                type_name(self.ctx, v)
            ),
        )
    }

    /// Argument `i` as `T`.
    pub fn arg<T: FromJs<'a>>(&self, i: usize) -> Result<T> {
        let v = self.raw(i);
        // SAFETY: read just now from the engine's stack.
        unsafe { T::from_js(self.ctx, v) }.ok_or_else(|| self.wrong(i, T::EXPECTED, v))
    }

    /// Argument `i` as a string borrowed from the engine's heap.
    ///
    /// # Safety
    /// Nothing may allocate in the engine while the result is used: call
    /// [`Call::no_js`] first and keep its guard for as long.
    pub unsafe fn str_arg<'s>(&self, i: usize, buf: &'s mut sys::JSCStringBuf) -> Result<&'s str> {
        let v = self.raw(i);
        // SAFETY: (caller) no allocation while used.
        let bytes =
            unsafe { string_bytes(self.ctx, v, buf) }.ok_or_else(|| self.wrong(i, "string", v))?;
        core::str::from_utf8(bytes).map_err(|_| self.wrong(i, "valid UTF-8 (no lone surrogate)", v))
    }

    /// Argument `i` as bytes (an `ArrayBuffer` or a typed array's view)
    /// borrowed from the engine's heap, for no longer than this call (a
    /// `&'static [u8]` parameter does not compile).
    ///
    /// # Safety
    /// As [`Call::str_arg`].
    pub unsafe fn bytes_arg(&self, i: usize) -> Result<&[u8]> {
        let v = self.raw(i);
        // SAFETY: (caller) no allocation while used.
        unsafe { crate::value::byte_data(self.ctx, v) }
            .ok_or_else(|| self.wrong(i, "ArrayBuffer or typed array", v))
    }

    /// Forbids JS and allocation in this context until the guard drops
    /// (while `&str` arguments are borrowed).
    pub fn no_js(&self) -> NoJs<'a> {
        self.ctx.host().forbid_js()
    }

    /// `this` as an instance of `T`, borrowed.
    pub fn this_ref<T: Class>(&self) -> Result<Borrow<'a, T>> {
        // SAFETY: `this` points to the engine's slot for the call's this.
        let v = unsafe { *self.this };
        borrow::<T>(self.ctx, v, false).ok_or_else(|| self.wrong_this::<T>(v))
    }

    /// `this` as an instance of `T`, borrowed mutably.
    pub fn this_mut<T: Class>(&self) -> Result<Borrow<'a, T>> {
        // SAFETY: as `this_ref`.
        let v = unsafe { *self.this };
        borrow::<T>(self.ctx, v, true).ok_or_else(|| self.wrong_this::<T>(v))
    }

    fn wrong_this<T: Class>(&self, v: sys::JSValue) -> Error {
        Error::with_args(
            ErrorKind::TypeError,
            format_args!(
                "{}: `this` is not a {} (or it is in use by another call), got {}",
                self.info.name,
                T::NAME,
                type_name(self.ctx, v)
            ),
        )
    }

    /// Argument `i` as an instance of `T`, borrowed (mutably if `mutable`).
    pub fn class_arg<T: Class>(&self, i: usize, mutable: bool) -> Result<Borrow<'a, T>> {
        let v = self.raw(i);
        borrow::<T>(self.ctx, v, mutable).ok_or_else(|| self.wrong(i, T::NAME, v))
    }
}

/// Throws `e` in `ctx`: its kind and message (cut to 200 bytes).
pub(crate) fn throw(ctx: Ctx<'_>, e: &Error) -> sys::JSValue {
    if e.kind() == ErrorKind::OutOfMemory {
        // SAFETY: a live context.
        return unsafe { sys::JS_ThrowOutOfMemory(ctx.raw()) };
    }
    let mut buf = [0u8; 201];
    let mut n = e.message().len().min(200);
    while !e.message().is_char_boundary(n) {
        n -= 1;
    }
    buf[..n].copy_from_slice(&e.message().as_bytes()[..n]);
    // SAFETY: a live context; "%s" with a NUL-terminated buffer.
    unsafe { sys::JS_ThrowError(ctx.raw(), e.kind().class(), c"%s".as_ptr(), buf.as_ptr()) }
}

/// Runs a native call: the arity check, then `body`, its error or panic
/// thrown.
///
/// # Safety
/// The engine's arguments for a native function of a context this crate
/// made.
pub unsafe fn call(
    ctx: *mut sys::JSContext,
    this: *mut sys::JSValue,
    argc: c_int,
    argv: *mut sys::JSValue,
    info: &'static FnInfo,
    body: impl FnOnce(&Call<'_>) -> Result<sys::JSValue>,
) -> sys::JSValue {
    // SAFETY: (caller) a context this crate made.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    let argc = (argc & !sys::FRAME_CF_CTOR).max(0) as usize;
    let call = Call {
        ctx,
        this,
        argc,
        argv,
        info,
    };
    if argc < info.required || (info.strict && argc > info.max) {
        return throw(ctx, &arity_error(info, argc));
    }
    match guarded(|| body(&call)) {
        Ok(v) => v,
        Err(e) => throw(ctx, &e),
    }
}

/// "f: expected 2 arguments, got 1", as quickjs-ng's `#[js]` says it.
fn arity_error(info: &FnInfo, got: usize) -> Error {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if info.required == info.max {
        Error::with_args(
            ErrorKind::TypeError,
            format_args!(
                "{}: expected {} argument{}, got {got}",
                info.name,
                info.max,
                plural(info.max)
            ),
        )
    } else if info.strict {
        Error::with_args(
            ErrorKind::TypeError,
            format_args!(
                "{}: expected {} to {} arguments, got {got}",
                info.name, info.required, info.max
            ),
        )
    } else {
        Error::with_args(
            ErrorKind::TypeError,
            format_args!(
                "{}: expected at least {} argument{}, got {got}",
                info.name,
                info.required,
                plural(info.required)
            ),
        )
    }
}

/// `f()`, a panic caught as an `InternalError` (with `std`; without it a
/// panic is the target's panic handler's, which does not return).
fn guarded<R>(f: impl FnOnce() -> Result<R>) -> Result<R> {
    #[cfg(feature = "std")]
    {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(p) => {
                let msg = p
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| p.downcast_ref::<std::string::String>().map(|s| s.as_str()))
                    .unwrap_or("a Rust panic");
                Err(Error::with_args(
                    ErrorKind::InternalError,
                    format_args!("panicked: {msg}"),
                ))
            }
        }
    }
    #[cfg(not(feature = "std"))]
    f()
}

/// A `#[js]` struct's link to its class: implemented by `#[js]`.
///
/// # Safety
/// `INDEX` is the class's position in the crate's declared classes, so
/// `JS_CLASS_USER + INDEX` is its id in [`Class::stdlib`]; `upcast`
/// returns `this` for `Self`'s `TypeId`, a base class's `upcast` of the
/// field holding the base value, or null.
pub unsafe trait Class: Sized + 'static {
    /// The JS name.
    const NAME: &'static str;
    /// The declared classes of the crate (its generated `CLASSES`).
    const CLASSES: &'static [ClassInfo];
    /// Its index there.
    const INDEX: usize;
    /// The standard library that declares it (`crate::STDLIB`).
    fn stdlib() -> &'static crate::Stdlib;
    /// The value of type `ty` inside `*this` (itself or a base class's
    /// part of it), null if there is none.
    ///
    /// # Safety
    /// `this` points to a live value.
    unsafe fn upcast(this: *mut Self, ty: TypeId) -> *mut ();
}

/// The head of every instance's box, whatever its class: the borrow
/// state (`> 0` shared borrows, `-1` mutable) and the class's functions.
/// Every object of a user class id holds a `Head` (or null before its
/// constructor set it): only [`new_instance`] makes them, after checking
/// the context runs the class's standard library.
#[repr(C)]
struct Head {
    borrows: core::cell::Cell<isize>,
    /// The value of type `ty` in the instance (see [`Class::upcast`]).
    find: unsafe fn(*mut Head, TypeId) -> *mut (),
    /// Frees the box.
    free: unsafe fn(*mut Head),
}

/// A boxed instance: the head, then the Rust value.
#[cfg(feature = "alloc")]
#[repr(C)]
struct Cell<T> {
    head: Head,
    value: core::cell::UnsafeCell<T>,
}

/// [`Head::find`] of a `Cell<T>`.
///
/// # Safety
/// `head` is the head of a live `Cell<T>`.
#[cfg(feature = "alloc")]
unsafe fn find_in<T: Class>(head: *mut Head, ty: TypeId) -> *mut () {
    // SAFETY: (caller) a live Cell<T>, whose head is its first field.
    unsafe {
        let value =
            core::cell::UnsafeCell::raw_get(core::ptr::addr_of!((*head.cast::<Cell<T>>()).value));
        T::upcast(value, ty)
    }
}

/// [`Head::free`] of a `Cell<T>`.
///
/// # Safety
/// `head` is the head of a `Cell<T>` from `Box::into_raw`, freed once.
#[cfg(feature = "alloc")]
unsafe fn free<T>(head: *mut Head) {
    // SAFETY: (caller) the box, freed once.
    drop(unsafe { alloc::boxed::Box::from_raw(head.cast::<Cell<T>>()) });
}

/// The instance head of `v` if it is an object of a user class.
fn head(ctx: Ctx<'_>, v: sys::JSValue) -> Option<*mut Head> {
    // SAFETY: a live context; any value has a class id; an object of a
    // user class holds a `Head` or null (see `Head`).
    unsafe {
        if !sys::JS_IsPtr(v) || sys::JS_GetClassID(ctx.raw(), v) < sys::JS_CLASS_USER {
            return None;
        }
        let p = sys::JS_GetOpaque(ctx.raw(), v).cast::<Head>();
        (!p.is_null()).then_some(p)
    }
}

/// A borrow of an instance's data (a `T`, or the `T` part of a subclass's
/// value), released on drop.
pub struct Borrow<'a, T> {
    head: *const Head,
    value: *mut T,
    mutable: bool,
    _life: core::marker::PhantomData<&'a mut T>,
}

fn borrow<'a, T: Class>(ctx: Ctx<'a>, v: sys::JSValue, mutable: bool) -> Option<Borrow<'a, T>> {
    let h = head(ctx, v)?;
    // SAFETY: the box lives in the Rust heap while its object does, and
    // the object is an argument or `this` of the running call (a root);
    // `find` is its own class's.
    let (c, value) = unsafe { (&*h, ((*h).find)(h, TypeId::of::<T>()).cast::<T>()) };
    if value.is_null() {
        return None;
    }
    let b = c.borrows.get();
    if (mutable && b != 0) || b < 0 {
        return None;
    }
    c.borrows.set(if mutable { -1 } else { b + 1 });
    Some(Borrow {
        head: h,
        value,
        mutable,
        _life: core::marker::PhantomData,
    })
}

impl<T> core::ops::Deref for Borrow<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: borrowed (flag set) for this guard's life.
        unsafe { &*self.value }
    }
}

impl<T> core::ops::DerefMut for Borrow<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        assert!(self.mutable, "a shared #[js] borrow used mutably");
        // SAFETY: borrowed mutably (flag -1) for this guard's life.
        unsafe { &mut *self.value }
    }
}

impl<T> Drop for Borrow<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the box outlives the borrow (see `borrow`).
        let c = unsafe { &*self.head };
        c.borrows
            .set(if self.mutable { 0 } else { c.borrows.get() - 1 });
    }
}

/// A new JS instance of `T` holding `value` (a conversion: see [`Token`]).
#[cfg(feature = "alloc")]
pub fn new_instance<T: Class>(ctx: Ctx<'_>, value: T, _: Token) -> Result<sys::JSValue> {
    // SAFETY: a live context; the library's tables.
    if unsafe { sys::JS_IsStdlib(ctx.raw(), T::stdlib().def()) } == 0 {
        return Err(Error::with_args(
            ErrorKind::TypeError,
            format_args!(
                "{}: a class of another standard library than this context's",
                T::NAME
            ),
        ));
    }
    let data = alloc::boxed::Box::new(Cell {
        head: Head {
            borrows: core::cell::Cell::new(0),
            find: find_in::<T>,
            free: free::<T>,
        },
        value: core::cell::UnsafeCell::new(value),
    });
    // SAFETY: a live context running T's library, so T's id is one of its
    // classes; the object is made, then its opaque set before anything
    // else allocates; the finalizer frees the box.
    unsafe {
        let obj = sys::JS_NewObjectClassUser(ctx.raw(), class_id::<T>());
        if obj == sys::JS_EXCEPTION {
            return Err(ctx.exception());
        }
        sys::JS_SetOpaque(ctx.raw(), obj, alloc::boxed::Box::into_raw(data).cast());
        Ok(obj)
    }
}

/// The class id of `T`.
#[cfg(feature = "alloc")]
fn class_id<T: Class>() -> c_int {
    sys::JS_CLASS_USER + T::INDEX as c_int
}

/// A constructor's result: the instance (`new` only).
///
/// # Safety
/// The engine's arguments for a native constructor.
#[cfg(feature = "alloc")]
pub unsafe fn construct<T: Class>(
    call: &Call<'_>,
    argc: c_int,
    value: Result<T>,
) -> Result<sys::JSValue> {
    if argc & sys::FRAME_CF_CTOR == 0 {
        return Err(Error::with_args(
            ErrorKind::TypeError,
            format_args!("{}: a class constructor, called without `new`", T::NAME),
        ));
    }
    new_instance(call.ctx(), value?, Token(()))
}

/// A constructor's result: `Self` or `Result<Self, E>`.
pub trait IntoResult<T> {
    /// As a result.
    fn into_result(self) -> Result<T>;
}

impl<T: Class> IntoResult<T> for T {
    fn into_result(self) -> Result<T> {
        Ok(self)
    }
}

impl<T: Class, E: Into<Error>> IntoResult<T> for core::result::Result<T, E> {
    fn into_result(self) -> Result<T> {
        self.map_err(Into::into)
    }
}

/// The finalizer of every `#[js]` class: frees the instance's box (its
/// class's `free`), with JS forbidden: it runs in the middle of a
/// collection.
///
/// # Safety
/// Called by the engine for an object of a user class it collects, with
/// its opaque (a `Head` or null, see `Head`), once.
#[export_name = "mquickjs_rust_finalize"]
pub unsafe extern "C" fn finalize(ctx: *mut sys::JSContext, opaque: *mut core::ffi::c_void) {
    if !opaque.is_null() {
        // SAFETY: (engine) a live context.
        let host = unsafe { Ctx::from_raw(ctx) }.host();
        let _no_js = host.forbid_js();
        let head = opaque.cast::<Head>();
        let _ = guarded(|| {
            // SAFETY: (engine) the box of a collected object, freed once by
            // its own class's function.
            unsafe { ((*head).free)(head) };
            Ok(())
        });
    }
}

/// The result of a `#[js]` function that took borrowed parameters (`&str`,
/// `&[u8]`): it is converted after their guard is gone, when the engine's
/// heap may move, so it cannot borrow from them (`'static`: a compile
/// error otherwise).
#[inline(always)]
pub fn owned_result<R: 'static>(r: R) -> R {
    r
}

/// The result of a `#[js]` function, as JS (JS was running to call it,
/// so JS may run: no check on this path).
///
/// # Safety
/// Called by a `#[js]` trampoline after its no-JS guard is gone: nothing
/// borrows the engine's heap (a conversion allocates).
pub unsafe fn ret<R: IntoJs>(ctx: Ctx<'_>, r: R) -> Result<sys::JSValue> {
    r.into_js(ctx, Token(()))
}

/// `new C()` of a class without a constructor.
///
/// # Safety
/// Called by the engine with a live context.
#[export_name = "mquickjs_rust_no_constructor"]
pub unsafe extern "C" fn no_constructor(
    ctx: *mut sys::JSContext,
    _this: *mut sys::JSValue,
    _argc: c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: (engine) a context this crate made.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    throw(
        ctx,
        &Error::type_error("this class has no constructor (it has no #[js(constructor)])"),
    )
}
