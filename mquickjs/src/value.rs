//! Values: conversions between Rust and JS ([`FromJs`], [`IntoJs`]) and
//! [`Value`], a JS value kept across allocations.
//!
//! MicroQuickJS moves objects at any allocation, so a raw `JSValue` is only
//! good until the next one. The conversions read or make a raw value and
//! use it at once; a value kept longer is a [`Value`]: a GC ref the
//! collector updates (boxed, so its address is stable; `alloc`).

use crate::context::Ctx;
use crate::error::{Error, ErrorKind, Result};
#[cfg(feature = "alloc")]
use core::ffi::CStr;
use mquickjs_sys as sys;

/// A JS value converted to Rust. Strict: no coercion (a string is not a
/// number), so a conversion never runs JS or allocates in the engine.
///
/// # Safety
/// Implemented by this crate and by `#[js]` (classes): `from_js` reads
/// the value without allocating in the engine.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no MicroQuickJS conversion",
    note = "MicroQuickJS has numbers, booleans, strings (`String`, `&str`), arrays (`Vec<T>`), bytes (`Bytes`, `&[u8]`), any value (`Value`: objects, functions) and `#[js]` classes (`&T`); it has no BigInt, Map, Set, Symbol or Promise"
)]
pub unsafe trait FromJs<'a>: Sized {
    /// What it takes, for errors ("number").
    const EXPECTED: &'static str;
    /// `None` if `v` is not of the type.
    ///
    /// # Safety
    /// `v` is current (nothing allocated since it was read), of `ctx`.
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<Self>;
}

/// Proof that a conversion runs where the crate checked that JS may run
/// (no native function borrows a JS string): only this crate makes one,
/// so user code converts through the API (`set_global`, `set_prop`,
/// `call`, a `#[js]` result), never around its check.
#[doc(hidden)]
pub struct Token(pub(crate) ());

/// A Rust value converted to JS (allocating in the engine, which can fail:
/// `OutOfMemory`). The raw value it returns is good until the next
/// allocation. Called by this crate only (see [`Token`]).
///
/// # Safety
/// Implemented by this crate and by `#[js]` (classes): `into_js` returns a
/// value of `ctx`, current, or an error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no MicroQuickJS conversion",
    note = "MicroQuickJS has numbers, booleans, strings, arrays (`Vec<T>`), bytes (`Bytes`, `&[u8]`), any value (`Value`) and `#[js]` classes; it has no BigInt, Map, Set, Symbol or Promise"
)]
pub unsafe trait IntoJs {
    /// The value in `ctx`.
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue>;
}

fn number(ctx: Ctx<'_>, v: sys::JSValue) -> Option<f64> {
    if sys::JS_IsInt(v) {
        return Some(sys::JS_VALUE_GET_INT(v) as f64);
    }
    // SAFETY: a live context; a number converts without running JS.
    unsafe {
        if sys::JS_IsNumber(ctx.raw(), v) == 0 {
            return None;
        }
        let mut d = 0.0;
        (sys::JS_ToNumber(ctx.raw(), &mut d, v) == 0).then_some(d)
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        // SAFETY: reads a number without allocating.
        unsafe impl<'a> FromJs<'a> for $t {
            const EXPECTED: &'static str = "integer";
            unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<$t> {
                if sys::JS_IsInt(v) {
                    return <$t>::try_from(sys::JS_VALUE_GET_INT(v)).ok();
                }
                let d = number(ctx, v)?;
                // In range and integral (2^63 and up do not fit an i64).
                ((d as i128) as f64 == d && d >= <$t>::MIN as f64 && d < (<$t>::MAX as f64) + 1.0).then(|| d as $t)
            }
        }
    )*};
}
integers!(i8, i16, i32, i64, u8, u16, u32, u64, isize, usize);

// SAFETY: reads a number without allocating.
unsafe impl<'a> FromJs<'a> for f64 {
    const EXPECTED: &'static str = "number";
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<f64> {
        number(ctx, v)
    }
}

// SAFETY: reads a number without allocating.
unsafe impl<'a> FromJs<'a> for f32 {
    const EXPECTED: &'static str = "number";
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<f32> {
        number(ctx, v).map(|d| d as f32)
    }
}

// SAFETY: compares a word.
unsafe impl<'a> FromJs<'a> for bool {
    const EXPECTED: &'static str = "boolean";
    unsafe fn from_js(_: Ctx<'a>, v: sys::JSValue) -> Option<bool> {
        sys::JS_IsBool(v).then_some(v == sys::JS_TRUE)
    }
}

// SAFETY: takes anything, reads nothing.
unsafe impl<'a> FromJs<'a> for () {
    const EXPECTED: &'static str = "anything";
    unsafe fn from_js(_: Ctx<'a>, _: sys::JSValue) -> Option<()> {
        Some(())
    }
}

// SAFETY: compares words, then converts as `T`.
unsafe impl<'a, T: FromJs<'a>> FromJs<'a> for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<Option<T>> {
        if v == sys::JS_UNDEFINED || v == sys::JS_NULL {
            return Some(None);
        }
        // SAFETY: (caller) `v` is current.
        unsafe { T::from_js(ctx, v) }.map(Some)
    }
}

/// The bytes of a JS string, borrowed from the engine's heap: good until
/// the next allocation (callers make sure none happens).
///
/// # Safety
/// `v` is current; nothing allocates while the slice is used.
pub(crate) unsafe fn string_bytes<'s>(
    ctx: Ctx<'_>,
    v: sys::JSValue,
    buf: &'s mut sys::JSCStringBuf,
) -> Option<&'s [u8]> {
    // SAFETY: a live context; a string's ToString is itself (no
    // allocation); the bytes live in the heap (or `buf`) until the next
    // allocation, which the caller rules out.
    unsafe {
        if sys::JS_IsString(ctx.raw(), v) == 0 {
            return None;
        }
        let mut len = 0usize;
        let p = sys::JS_ToCStringLen(ctx.raw(), &mut len, v, buf);
        (!p.is_null()).then(|| core::slice::from_raw_parts(p.cast::<u8>(), len))
    }
}

#[cfg(feature = "alloc")]
// SAFETY: copies the string's bytes out before returning.
unsafe impl<'a> FromJs<'a> for alloc::string::String {
    const EXPECTED: &'static str = "string";
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<alloc::string::String> {
        let mut buf = sys::JSCStringBuf::default();
        // SAFETY: (caller) `v` is current; copied at once.
        let bytes = unsafe { string_bytes(ctx, v, &mut buf) }?;
        Some(alloc::string::String::from_utf8_lossy(bytes).into_owned())
    }
}

// SAFETY: returns constants or values just made.
unsafe impl IntoJs for () {
    fn into_js(self, _: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        Ok(sys::JS_UNDEFINED)
    }
}

// SAFETY: a constant.
unsafe impl IntoJs for bool {
    fn into_js(self, _: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        Ok(sys::JS_NewBool(self))
    }
}

/// `v`, or the pending exception (out of memory) as an error.
fn made(ctx: Ctx<'_>, v: sys::JSValue) -> Result<sys::JSValue> {
    if v == sys::JS_EXCEPTION {
        Err(ctx.exception())
    } else {
        Ok(v)
    }
}

macro_rules! via_f64 {
    ($($t:ty),*) => {$(
        // SAFETY: a value just made.
        unsafe impl IntoJs for $t {
            fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
                // SAFETY: a live context.
                made(ctx, unsafe { sys::JS_NewFloat64(ctx.raw(), self as f64) })
            }
        }
    )*};
}
via_f64!(f64, f32, u64, usize, isize);

macro_rules! via_i32 {
    ($($t:ty),*) => {$(
        // SAFETY: a value just made.
        unsafe impl IntoJs for $t {
            fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
                // SAFETY: a live context.
                made(ctx, unsafe { sys::JS_NewInt32(ctx.raw(), self as i32) })
            }
        }
    )*};
}
via_i32!(i8, i16, i32, u8, u16);

// SAFETY: a value just made.
unsafe impl IntoJs for u32 {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        // SAFETY: a live context.
        made(ctx, unsafe { sys::JS_NewUint32(ctx.raw(), self) })
    }
}

// SAFETY: a value just made.
unsafe impl IntoJs for i64 {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        // SAFETY: a live context.
        made(ctx, unsafe { sys::JS_NewInt64(ctx.raw(), self) })
    }
}

/// The longest string the engine takes (its `JS_STRING_LEN_MAX`: longer
/// lengths would be truncated to 32 bits while the bytes are copied in
/// full, past the buffer).
const STRING_LEN_MAX: usize = if sys::JSW == 8 {
    0x7fff_fffe
} else {
    (1 << 25) - 1
};

/// `Err` unless the engine can make a string (or a property name) of
/// `len` bytes.
pub(crate) fn check_string_len(len: usize) -> Result<()> {
    if len > STRING_LEN_MAX {
        return Err(Error::new(ErrorKind::RangeError, "string too long"));
    }
    Ok(())
}

/// `len` as the engine's array length (its short integers, on every word
/// size), or a `RangeError`.
#[cfg(feature = "alloc")]
pub(crate) fn array_len(len: usize) -> Result<core::ffi::c_int> {
    core::ffi::c_int::try_from(len)
        .ok()
        .filter(|&n| n < 1 << 30)
        .ok_or_else(|| Error::new(ErrorKind::RangeError, "array too long"))
}

// SAFETY: a value just made, of a length the engine takes.
unsafe impl IntoJs for &str {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        check_string_len(self.len())?;
        // SAFETY: a live context; the engine copies the bytes.
        made(ctx, unsafe {
            sys::JS_NewStringLen(ctx.raw(), self.as_ptr().cast(), self.len())
        })
    }
}

#[cfg(feature = "alloc")]
// SAFETY: as &str.
unsafe impl IntoJs for alloc::string::String {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        self.as_str().into_js(ctx, Token(()))
    }
}

// SAFETY: as `T`, or a constant.
unsafe impl<T: IntoJs> IntoJs for Option<T> {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        match self {
            Some(v) => v.into_js(ctx, Token(())),
            None => Ok(sys::JS_UNDEFINED),
        }
    }
}

// SAFETY: as `T`, or the error.
unsafe impl<T: IntoJs, E: Into<Error>> IntoJs for core::result::Result<T, E> {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        self.map_err(Into::into)?.into_js(ctx, Token(()))
    }
}

/// Runs `f` with `v` rooted on the engine's GC stack: `f` reads the value
/// through the slot (the collector updates it), which is popped when `f`
/// returns or unwinds. Nested uses pop in reverse order, as the stack
/// requires.
///
/// # Safety
/// `v` is current, of `ctx`.
pub(crate) unsafe fn rooted<R>(
    ctx: Ctx<'_>,
    v: sys::JSValue,
    f: impl FnOnce(*mut sys::JSValue) -> R,
) -> R {
    struct Pop<'c>(Ctx<'c>, *mut sys::JSGCRef);
    impl Drop for Pop<'_> {
        fn drop(&mut self) {
            // SAFETY: pushed below, popped once, last pushed first.
            unsafe { sys::JS_PopGCRef(self.0.raw(), self.1) };
        }
    }
    let mut r = sys::JSGCRef {
        val: sys::JS_UNDEFINED,
        prev: core::ptr::null_mut(),
    };
    let rp: *mut sys::JSGCRef = &mut r;
    // SAFETY: `r` stays on this frame until `Pop` unlinks it; (caller) `v`
    // is current.
    let slot = unsafe {
        let slot = sys::JS_PushGCRef(ctx.raw(), rp);
        *slot = v;
        slot
    };
    let _pop = Pop(ctx, rp);
    f(slot)
}

#[cfg(feature = "alloc")]
// SAFETY: reads the array's length and elements in place (below its
// length an element read neither allocates nor runs a getter), each
// converted as `T` (which does not allocate either).
unsafe impl<'a, T: FromJs<'a>> FromJs<'a> for alloc::vec::Vec<T> {
    const EXPECTED: &'static str = "array";
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<alloc::vec::Vec<T>> {
        // SAFETY: a live context, a current value (nothing allocates in the
        // engine until the loop ends).
        unsafe {
            let n = u32::try_from(sys::JS_GetArrayLength(ctx.raw(), v)).ok()?;
            let mut out = alloc::vec::Vec::with_capacity(n as usize);
            for i in 0..n {
                let e = sys::JS_GetPropertyUint32(ctx.raw(), v, i);
                out.push(T::from_js(ctx, e)?);
            }
            Some(out)
        }
    }
}

#[cfg(feature = "alloc")]
// SAFETY: the array is rooted while its elements are made (each may
// allocate and move it), each stored below its length at once.
unsafe impl<T: IntoJs> IntoJs for alloc::vec::Vec<T> {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        let len = array_len(self.len())?;
        // SAFETY: a live context.
        let arr = made(ctx, unsafe { sys::JS_NewArray(ctx.raw(), len) })?;
        // SAFETY: `arr` was just made; read through the root after each
        // element is made.
        unsafe {
            rooted(ctx, arr, |slot| {
                for (i, x) in self.into_iter().enumerate() {
                    let v = x.into_js(ctx, Token(()))?;
                    let r = sys::JS_SetPropertyUint32(ctx.raw(), *slot, i as u32, v);
                    if r == sys::JS_EXCEPTION {
                        return Err(ctx.exception());
                    }
                }
                Ok(*slot)
            })
        }
    }
}

/// The bytes of an `ArrayBuffer` or of a typed array's view, borrowed
/// from the engine's heap: good until the next allocation (callers make
/// sure none happens).
///
/// # Safety
/// `v` is current; nothing allocates while the slice is used.
pub(crate) unsafe fn byte_data<'s>(ctx: Ctx<'_>, v: sys::JSValue) -> Option<&'s [u8]> {
    let (mut len, mut class) = (0usize, 0);
    // SAFETY: a live context, a current value; the bytes stay put until
    // the next allocation, which the caller rules out.
    unsafe {
        let p = sys::JS_GetByteData(ctx.raw(), v, &mut len, &mut class);
        if p.is_null() {
            return None;
        }
        Some(if len == 0 {
            &[]
        } else {
            core::slice::from_raw_parts(p, len)
        })
    }
}

/// Bytes, as a `Uint8Array` in JS. From JS it takes an `ArrayBuffer` or
/// any typed array (copying the viewed bytes). A native function that
/// only reads them can take `&[u8]`, borrowed without a copy.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub alloc::vec::Vec<u8>);

#[cfg(feature = "alloc")]
// SAFETY: copies the bytes out before returning.
unsafe impl<'a> FromJs<'a> for Bytes {
    const EXPECTED: &'static str = "ArrayBuffer or typed array";
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<Bytes> {
        // SAFETY: (caller) `v` is current; copied at once.
        unsafe { byte_data(ctx, v) }.map(|b| Bytes(b.to_vec()))
    }
}

#[cfg(feature = "alloc")]
// SAFETY: a value just made.
unsafe impl IntoJs for Bytes {
    fn into_js(self, ctx: Ctx<'_>, t: Token) -> Result<sys::JSValue> {
        self.0.as_slice().into_js(ctx, t)
    }
}

// SAFETY: a value just made; the engine copies the bytes.
unsafe impl IntoJs for &[u8] {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        // SAFETY: a live context; `self` is Rust memory (not the heap).
        made(ctx, unsafe {
            sys::JS_NewUint8ArrayCopy(ctx.raw(), self.as_ptr(), self.len())
        })
    }
}

/// A JS value kept across allocations: a GC ref the collector updates.
#[cfg(feature = "alloc")]
pub struct Value<'a> {
    r: alloc::boxed::Box<sys::JSGCRef>,
    ctx: Ctx<'a>,
}

#[cfg(feature = "alloc")]
impl<'a> Value<'a> {
    /// Roots `v`.
    ///
    /// # Safety
    /// `v` is current, of `ctx`.
    pub(crate) unsafe fn new(ctx: Ctx<'a>, v: sys::JSValue) -> Value<'a> {
        let mut r = alloc::boxed::Box::new(sys::JSGCRef {
            val: sys::JS_UNDEFINED,
            prev: core::ptr::null_mut(),
        });
        // SAFETY: the box's address is stable until drop, which unlinks
        // it; `v` is current (a Rust allocation does not move JS values).
        unsafe { *sys::JS_AddGCRef(ctx.raw(), &mut *r) = v };
        Value { r, ctx }
    }

    /// The raw value, current until the next allocation.
    pub(crate) fn raw(&self) -> sys::JSValue {
        self.r.val
    }

    /// The raw value for use in `ctx` (a value of another context would
    /// corrupt both heaps: that is a panic).
    pub(crate) fn raw_in(&self, ctx: Ctx<'_>) -> sys::JSValue {
        assert!(
            self.ctx.raw() == ctx.raw(),
            "a mquickjs Value used with a context it does not belong to"
        );
        self.raw()
    }

    /// `undefined`?
    pub fn is_undefined(&self) -> bool {
        self.raw() == sys::JS_UNDEFINED
    }

    /// `null`?
    pub fn is_null(&self) -> bool {
        self.raw() == sys::JS_NULL
    }

    /// A function?
    pub fn is_function(&self) -> bool {
        // SAFETY: a live context, a current value.
        unsafe { sys::JS_IsFunction(self.ctx.raw(), self.raw()) != 0 }
    }

    /// Converts it (strictly, as a parameter would be).
    pub fn get<T: FromJs<'a>>(&self) -> Result<T> {
        self.ctx.take(self.raw())
    }

    /// Its property `name`.
    pub fn prop<T: FromJs<'a>>(&self, name: &CStr) -> Result<T> {
        self.ctx.may_run()?;
        check_string_len(name.to_bytes().len())?;
        // SAFETY: a live context, a current value.
        let v = unsafe { sys::JS_GetPropertyStr(self.ctx.raw(), self.raw(), name.as_ptr()) };
        self.ctx.take(v)
    }

    /// Sets its property `name`.
    pub fn set_prop<V: IntoJs>(&self, name: &CStr, value: V) -> Result<()> {
        self.ctx.may_run()?;
        check_string_len(name.to_bytes().len())?;
        let v = value.into_js(self.ctx, Token(()))?;
        // SAFETY: `v` was just made; `self` is read after, current.
        let r = unsafe { sys::JS_SetPropertyStr(self.ctx.raw(), self.raw(), name.as_ptr(), v) };
        self.ctx.take::<()>(r)
    }

    /// Its element `i`.
    pub fn index<T: FromJs<'a>>(&self, i: u32) -> Result<T> {
        self.ctx.may_run()?;
        // SAFETY: a live context, a current value.
        let v = unsafe { sys::JS_GetPropertyUint32(self.ctx.raw(), self.raw(), i) };
        self.ctx.take(v)
    }

    /// Sets its element `i`.
    pub fn set_index<V: IntoJs>(&self, i: u32, value: V) -> Result<()> {
        self.ctx.may_run()?;
        let v = value.into_js(self.ctx, Token(()))?;
        // SAFETY: `v` was just made; `self` is read after, current.
        let r = unsafe { sys::JS_SetPropertyUint32(self.ctx.raw(), self.raw(), i, v) };
        self.ctx.take::<()>(r)
    }

    /// Calls it as a function with `this` undefined.
    pub fn call<R: FromJs<'a>, A: Args>(&self, args: A) -> Result<R> {
        self.ctx.may_run()?;
        if !self.is_function() {
            return Err(Error::type_error("not a function"));
        }
        // SAFETY: a live context; room for the arguments, the function and
        // `this` is checked first; each argument is pushed as soon as it is
        // made (the stack is a root), the function read after them.
        unsafe {
            if sys::JS_StackCheck(self.ctx.raw(), A::LEN as u32 + 2) != 0 {
                return Err(self.ctx.exception());
            }
            args.push(self.ctx)?;
            sys::JS_PushArg(self.ctx.raw(), self.raw());
            sys::JS_PushArg(self.ctx.raw(), sys::JS_UNDEFINED);
            let r = sys::JS_Call(self.ctx.raw(), A::LEN as core::ffi::c_int);
            self.ctx.take(r)
        }
    }
}

#[cfg(feature = "alloc")]
impl Drop for Value<'_> {
    fn drop(&mut self) {
        // SAFETY: linked at creation; the context outlives 'a.
        unsafe { sys::JS_DeleteGCRef(self.ctx.raw(), &mut *self.r) }
    }
}

#[cfg(feature = "alloc")]
impl Clone for Value<'_> {
    fn clone(&self) -> Self {
        // SAFETY: our current value, of our context.
        unsafe { Value::new(self.ctx, self.raw()) }
    }
}

#[cfg(feature = "alloc")]
// SAFETY: roots the value without touching the JS heap.
unsafe impl<'a> FromJs<'a> for Value<'a> {
    const EXPECTED: &'static str = "any value";
    unsafe fn from_js(ctx: Ctx<'a>, v: sys::JSValue) -> Option<Value<'a>> {
        // SAFETY: (caller) `v` is current.
        Some(unsafe { Value::new(ctx, v) })
    }
}

#[cfg(feature = "alloc")]
// SAFETY: our current value, checked to be of `ctx`.
unsafe impl IntoJs for &Value<'_> {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        Ok(self.raw_in(ctx))
    }
}

#[cfg(feature = "alloc")]
// SAFETY: as &Value.
unsafe impl IntoJs for Value<'_> {
    fn into_js(self, ctx: Ctx<'_>, _: Token) -> Result<sys::JSValue> {
        Ok(self.raw_in(ctx))
    }
}

/// The arguments of a call from Rust: a tuple of [`IntoJs`] values.
///
/// # Safety
/// `push` pushes exactly `LEN` values of `ctx` onto its JS stack, last
/// argument first (the engine's calling order).
pub unsafe trait Args {
    /// How many.
    const LEN: usize;
    /// Pushes them.
    ///
    /// # Safety
    /// Room for `LEN` values was checked (`JS_StackCheck`).
    unsafe fn push(self, ctx: Ctx<'_>) -> Result<()>;
}

macro_rules! args {
    ($n:expr; $($t:ident $i:tt),*) => {
        // SAFETY: pushes each value as soon as it is made, last first.
        unsafe impl<$($t: IntoJs),*> Args for ($($t,)*) {
            const LEN: usize = $n;
            #[allow(unused_variables)]
            unsafe fn push(self, ctx: Ctx<'_>) -> Result<()> {
                args!(@rev self ctx; $($i)*);
                Ok(())
            }
        }
    };
    (@rev $s:ident $c:ident;) => {};
    (@rev $s:ident $c:ident; $first:tt $($rest:tt)*) => {
        args!(@rev $s $c; $($rest)*);
        let v = $s.$first.into_js($c, Token(()))?;
        // SAFETY: (caller) room checked; `v` was just made.
        unsafe { sys::JS_PushArg($c.raw(), v) };
    };
}
args!(0;);
args!(1; A 0);
args!(2; A 0, B 1);
args!(3; A 0, B 1, C 2);
args!(4; A 0, B 1, C 2, D 3);

/// An exception described as an [`Error`]: its class, `message` and
/// `stack`, copied out (the value is rooted on the engine's GC stack while
/// its properties are read; failures there are swallowed).
pub(crate) fn describe(ctx: Ctx<'_>, exc: sys::JSValue) -> Error {
    if exc == sys::JS_NULL {
        // What the engine throws when even the error does not fit.
        return Error::new(ErrorKind::OutOfMemory, "out of memory");
    }
    // SAFETY: every read of the exception goes through its root, and
    // strings are copied before the next allocation.
    let mut e = unsafe {
        rooted(ctx, exc, |slot| {
            let class = sys::JS_GetClassID(ctx.raw(), *slot);
            if (sys::JS_CLASS_ERROR..=sys::JS_CLASS_INTERNAL_ERROR).contains(&class) {
                let name = sys::JS_GetPropertyStr(ctx.raw(), *slot, c"name".as_ptr());
                let mut kind = ErrorKind::Error;
                with_string(ctx, name, |s| kind = ErrorKind::from_name(s));
                let mut e = Error::new(kind, "");
                let msg = sys::JS_GetPropertyStr(ctx.raw(), *slot, c"message".as_ptr());
                with_string(ctx, msg, |s| e.message_mut().push(s));
                let stack = sys::JS_GetPropertyStr(ctx.raw(), *slot, c"stack".as_ptr());
                with_string(ctx, stack, |s| e.set_stack(s));
                e
            } else {
                let mut e = Error::new(ErrorKind::Error, "");
                let s = sys::JS_ToString(ctx.raw(), *slot);
                with_string(ctx, s, |s| e.message_mut().push(s));
                e
            }
        })
    };
    // The engine's own errors for a stopped script and a full buffer (the
    // parser reports the latter as a SyntaxError).
    match (e.kind(), e.message()) {
        (ErrorKind::InternalError, "interrupted") => {
            e = Error::new(ErrorKind::Interrupted, "interrupted")
        }
        (ErrorKind::InternalError, "out of memory")
        | (ErrorKind::SyntaxError, "not enough memory") => {
            e = Error::new(ErrorKind::OutOfMemory, "out of memory")
        }
        _ => {}
    }
    e
}

/// Calls `f` with the text of `v` if it is a string (an exception from
/// reading it is cleared).
///
/// # Safety
/// `v` is current; `f` does not allocate in the engine.
unsafe fn with_string(ctx: Ctx<'_>, v: sys::JSValue, f: impl FnOnce(&str)) {
    if v == sys::JS_EXCEPTION {
        // SAFETY: a live context: clears the pending exception.
        unsafe { sys::JS_GetException(ctx.raw()) };
        return;
    }
    let mut buf = sys::JSCStringBuf::default();
    // SAFETY: (caller) `v` is current; used at once.
    if let Some(b) = unsafe { string_bytes(ctx, v, &mut buf) } {
        match core::str::from_utf8(b) {
            Ok(s) => f(s),
            Err(e) => f(core::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or("")),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_longer_than_the_engine_takes_are_range_errors() {
        // JS_NewStringLen truncates its length to 32 bits but copies it
        // all: a longer string must never reach it.
        assert!(super::check_string_len(super::STRING_LEN_MAX).is_ok());
        let e = super::check_string_len(super::STRING_LEN_MAX + 1).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::RangeError);
        assert!(super::check_string_len(usize::MAX).is_err());
    }
}
