//! Binary data: `Bytes` (a `Uint8Array` in JS), `ArrayBuffer` and typed
//! arrays (quickjs-ng only).

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{js_type, FromJs, IntoJs};
use crate::engine::handle::value::Value;
use crate::engine::objects::object::Object;
use quickjs_sys as sys;

/// Bytes, as a `Uint8Array` in JS. From JS it accepts an `ArrayBuffer`, any
/// typed array or a `DataView` (copying the viewed bytes).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Bytes;
/// ctx.with(|ctx| {
///     ctx.globals().set("b", Bytes(vec![1, 2])).unwrap();
///     assert_eq!(ctx.eval::<Bytes>("b.map(x => x * 2)").unwrap(), Bytes(vec![2, 4]));
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl<'js> IntoJs<'js> for Bytes {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        // SAFETY: ctx live; the engine copies len bytes.
        let v = ctx.check(unsafe {
            sys::JS_NewUint8ArrayCopy(ctx.as_raw(), self.0.as_ptr(), self.0.len())
        })?;
        with_built_in(v, "Uint8Array")
    }
}

/// `v`, a binary object the engine just made, unless the context lacks the
/// built-in it belongs to (made without `Intrinsics::TYPED_ARRAYS`): the
/// engine then makes one without a prototype, which no script could use.
fn with_built_in<'js>(v: Value<'js>, name: &str) -> Result<Value<'js>> {
    let ctx = v.ctx();
    // SAFETY: v is live; the result is a new reference, owned by the Value.
    let proto = ctx.check(unsafe { sys::JS_GetPrototype(ctx.as_raw(), v.as_raw()) })?;
    if proto.tag() == sys::JS_TAG_OBJECT {
        Ok(v)
    } else {
        Err(Error::type_error(format!(
            "{name} is not available in this context"
        )))
    }
}

impl<'js> FromJs<'js> for Bytes {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let (buf, off, len) = ArrayBuffer::viewed(value)?;
        crate::engine::convert::limits::check_alloc(value.ctx(), len)?;
        crate::engine::convert::limits::charge(value.ctx(), len)?;
        // SAFETY: the range was checked against the buffer; copied at once.
        let bytes = unsafe { buf.as_slice() }
            .and_then(|s| s.get(off..off + len))
            .unwrap_or_default();
        Ok(Bytes(bytes.to_vec()))
    }
}

/// Bytes borrowed from an `ArrayBuffer`, a typed array or a `DataView`
/// without copying: what a `&[u8]` parameter of a `#[js]` function receives.
/// Converting records the buffer and the viewed range; [`JsBytes::slice`]
/// reads the buffer's memory at the moment of the call. The slice dangles
/// if JS detaches or resizes the buffer while it lives, so only `#[js]`
/// trampolines take it: they call it after converting every other argument,
/// for functions whose other parameters cannot run JS, inside a
/// [`crate::native::NoJsGuard`].
#[doc(hidden)]
pub struct JsBytes<'js> {
    buf: ArrayBuffer<'js>,
    off: usize,
    len: usize,
}

impl<'js> JsBytes<'js> {
    /// The viewed bytes, as the buffer holds them now.
    ///
    /// # Safety
    /// No JS may run while the slice lives (it could detach or shrink the
    /// buffer and free the memory).
    #[inline]
    pub unsafe fn slice(&self) -> Result<&[u8]> {
        // SAFETY: the caller's contract.
        unsafe { self.buf.as_slice() }
            .and_then(|s| s.get(self.off..self.off + self.len))
            .ok_or_else(|| {
                Error::type_error("expected bytes, got a detached or out-of-bounds buffer")
            })
    }
}

impl<'js> crate::native::Args<'_, 'js> {
    /// The slice of the `&[u8]` argument at `index`, with the argument
    /// named in the error (for `#[js]`-generated code).
    ///
    /// # Safety
    /// As [`JsBytes::slice`].
    #[doc(hidden)]
    #[inline]
    pub unsafe fn bytes_slice<'a>(
        &self,
        bytes: &'a JsBytes<'js>,
        index: usize,
    ) -> Result<&'a [u8]> {
        // SAFETY: the caller's contract.
        unsafe { bytes.slice() }
            .map_err(|e| e.prefixed(format_args!("{}: argument {}", self.name(), index + 1)))
    }
}

impl<'js> FromJs<'js> for JsBytes<'js> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let (buf, off, len) = ArrayBuffer::viewed(value)?;
        Ok(JsBytes { buf, off, len })
    }
}

/// A JS `ArrayBuffer`.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::ArrayBuffer;
/// ctx.with(|ctx| {
///     let b: ArrayBuffer = ctx.eval("new Uint8Array([7, 8]).buffer").unwrap();
///     assert_eq!(b.to_vec(), [7, 8]);
/// });
/// ```
#[derive(Clone, Debug)]
pub struct ArrayBuffer<'js>(Value<'js>);

impl<'js> ArrayBuffer<'js> {
    /// A new buffer holding a copy of `bytes`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let b = quickjs::ArrayBuffer::new(ctx, b"xyz").unwrap();
    ///     assert_eq!(b.to_vec(), b"xyz");
    /// });
    /// ```
    pub fn new(ctx: Ctx<'js>, bytes: &[u8]) -> Result<Self> {
        // SAFETY: ctx live; the engine copies the bytes.
        let v = ctx.check(unsafe {
            sys::JS_NewArrayBufferCopy(ctx.as_raw(), bytes.as_ptr(), bytes.len())
        })?;
        with_built_in(v, "ArrayBuffer").map(ArrayBuffer)
    }

    /// A copy of the contents (empty if the buffer was detached).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let v = ctx.with(|ctx| ctx.eval::<quickjs::ArrayBuffer>("new ArrayBuffer(2)").map(|b| b.to_vec())).unwrap();
    /// assert_eq!(v, [0, 0]);
    /// ```
    pub fn to_vec(&self) -> Vec<u8> {
        // SAFETY: the slice is copied before any JS can run.
        unsafe { self.as_slice().map(<[u8]>::to_vec).unwrap_or_default() }
    }

    /// The contents without copying; `None` if detached.
    ///
    /// # Safety
    /// No JS may run while the slice is alive: JS can detach or resize the
    /// buffer (e.g. `buffer.transfer()`), freeing the memory.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let b = quickjs::ArrayBuffer::new(ctx, &[1, 2]).unwrap();
    ///     // SAFETY: no JS runs while the slice is used.
    ///     assert_eq!(unsafe { b.as_slice() }, Some(&[1u8, 2][..]));
    /// });
    /// ```
    pub unsafe fn as_slice(&self) -> Option<&[u8]> {
        let ctx = self.0.ctx();
        let mut len = 0usize;
        // SAFETY: a live buffer; a detached one gives null and a TypeError
        // that we take out (nothing else ran, so nothing else is lost).
        let ptr = unsafe { sys::JS_GetArrayBuffer(ctx.as_raw(), &mut len, self.0.as_raw()) };
        if ptr.is_null() {
            // SAFETY: the pending exception is ours to take.
            drop(unsafe { Value::from_raw(ctx, sys::JS_GetException(ctx.as_raw())) });
            return None;
        }
        // SAFETY: len bytes at ptr, alive while no JS runs (the caller's contract).
        Some(unsafe { std::slice::from_raw_parts(ptr, len) })
    }

    /// The buffer behind `value` (itself, or a view's), with the viewed range.
    ///
    /// The type test runs no JS (a script can replace `DataView` or
    /// `Symbol.hasInstance`, and a test must not run it nor drop what it
    /// throws); a typed array's buffer and range come from the engine's
    /// internal slots. A `DataView`'s are read through its standard getters
    /// (the engine has no C accessor for them): what they throw is the error,
    /// and the range is checked against the buffer.
    fn viewed(value: &Value<'js>) -> Result<(Self, usize, usize)> {
        let raw = value.as_raw();
        let ctx = value.ctx();
        // SAFETY: value is live; the engine's predicates only read its class.
        let (is_buffer, is_typed, is_data_view) = unsafe {
            (
                sys::JS_IsArrayBuffer(raw),
                sys::JS_GetTypedArrayType(raw) >= 0,
                sys::JS_IsDataView(raw),
            )
        };
        let (buf, off, len) = if is_buffer {
            let buf = ArrayBuffer(value.clone());
            // SAFETY: only the length is read.
            let len = unsafe { buf.as_slice() }.map_or(0, <[u8]>::len);
            return Ok((buf, 0, len));
        } else if is_typed {
            let (mut off, mut len) = (0usize, 0usize);
            // SAFETY: ctx and value live; the buffer reference is ours.
            let buf = ctx.check(unsafe {
                sys::JS_GetTypedArrayBuffer(
                    ctx.as_raw(),
                    raw,
                    &mut off,
                    &mut len,
                    std::ptr::null_mut(),
                )
            })?;
            (ArrayBuffer(buf), off, len)
        } else if is_data_view {
            let view = Object::from_value(value.clone());
            let buf: ArrayBuffer = view.get("buffer")?;
            let (off, len): (usize, usize) = (view.get("byteOffset")?, view.get("byteLength")?);
            (buf, off, len)
        } else {
            return Err(Error::type_error(format!(
                "expected ArrayBuffer or typed array, got {}",
                value.type_name()
            )));
        };
        // SAFETY: only the length is read.
        let total = unsafe { buf.as_slice() }.map_or(0, <[u8]>::len);
        match off.checked_add(len) {
            Some(end) if end <= total => Ok((buf, off, len)),
            _ => Err(Error::type_error(
                "expected bytes, got a detached or out-of-bounds view",
            )),
        }
    }

    /// Whether `value` is an `ArrayBuffer`, a typed array or a `DataView`
    /// (what [`Bytes`] and `&[u8]` accept). Runs no JS.
    #[cfg(feature = "serde")]
    pub(crate) fn is_binary(value: &Value<'_>) -> bool {
        let raw = value.as_raw();
        // SAFETY: value is live; the engine's predicates only read its class.
        unsafe {
            sys::JS_IsArrayBuffer(raw)
                || sys::JS_GetTypedArrayType(raw) >= 0
                || sys::JS_IsDataView(raw)
        }
    }
}

/// Element types of typed arrays.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::TypedArray;
/// ctx.with(|ctx| {
///     let t: TypedArray<u16> = ctx.eval("new Uint16Array([1, 2])").unwrap();
///     assert_eq!(t.to_vec(), [1, 2]);
/// });
/// ```
pub trait TypedElement: Copy + Default + 'static {
    /// The engine's `JS_TYPED_ARRAY_*` kind.
    #[doc(hidden)]
    const KIND: sys::JSTypedArrayEnum;
    /// The JS constructor's name, for errors.
    #[doc(hidden)]
    const NAME: &'static str;
}

macro_rules! typed {
    ($($t:ty => $k:ident, $n:literal;)*) => {$(
        impl TypedElement for $t {
            const KIND: sys::JSTypedArrayEnum = sys::$k;
            const NAME: &'static str = $n;
        }
    )*};
}
typed! {
    i8 => JS_TYPED_ARRAY_INT8, "Int8Array";
    u8 => JS_TYPED_ARRAY_UINT8, "Uint8Array";
    i16 => JS_TYPED_ARRAY_INT16, "Int16Array";
    u16 => JS_TYPED_ARRAY_UINT16, "Uint16Array";
    i32 => JS_TYPED_ARRAY_INT32, "Int32Array";
    u32 => JS_TYPED_ARRAY_UINT32, "Uint32Array";
    i64 => JS_TYPED_ARRAY_BIG_INT64, "BigInt64Array";
    u64 => JS_TYPED_ARRAY_BIG_UINT64, "BigUint64Array";
    f32 => JS_TYPED_ARRAY_FLOAT32, "Float32Array";
    f64 => JS_TYPED_ARRAY_FLOAT64, "Float64Array";
}

/// A typed array of `T` (`Float64Array` for `f64`, ...).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::TypedArray;
/// ctx.with(|ctx| {
///     let t = TypedArray::<f32>::new(ctx, &[0.5, 1.5]).unwrap();
///     ctx.globals().set("t", t).unwrap();
///     assert_eq!(ctx.eval::<f64>("t[0] + t[1]").unwrap(), 2.0);
/// });
/// ```
#[derive(Clone, Debug)]
pub struct TypedArray<'js, T: TypedElement>(Value<'js>, std::marker::PhantomData<T>);

impl<'js, T: TypedElement> TypedArray<'js, T> {
    /// A new typed array holding a copy of `items`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let t = quickjs::TypedArray::<i16>::new(ctx, &[-1, 1]).unwrap();
    ///     assert_eq!(t.to_vec(), [-1, 1]);
    /// });
    /// ```
    pub fn new(ctx: Ctx<'js>, items: &[T]) -> Result<Self> {
        // SAFETY: T is a plain number type; its bytes are initialized.
        let bytes = unsafe {
            std::slice::from_raw_parts(items.as_ptr().cast::<u8>(), std::mem::size_of_val(items))
        };
        let buf = ArrayBuffer::new(ctx, bytes)?;
        let mut args = [buf.0.as_raw()];
        // SAFETY: ctx and buffer live; the arguments are borrowed.
        let v = ctx
            .check(unsafe { sys::JS_NewTypedArray(ctx.as_raw(), 1, args.as_mut_ptr(), T::KIND) })?;
        Ok(TypedArray(v, std::marker::PhantomData))
    }

    /// A copy of the elements (empty if the buffer was detached).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let v = ctx.with(|ctx| ctx.eval::<quickjs::TypedArray<u8>>("new Uint8Array([3])").map(|t| t.to_vec())).unwrap();
    /// assert_eq!(v, [3]);
    /// ```
    pub fn to_vec(&self) -> Vec<T> {
        // SAFETY: copied before any JS can run.
        unsafe { self.as_slice().map(<[T]>::to_vec).unwrap_or_default() }
    }

    /// The elements without copying; `None` if detached or out of bounds.
    ///
    /// # Safety
    /// No JS may run while the slice is alive (JS can detach or shrink the
    /// buffer, freeing the memory).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let t = quickjs::TypedArray::<u32>::new(ctx, &[5, 6]).unwrap();
    ///     // SAFETY: no JS runs while the slice is used.
    ///     assert_eq!(unsafe { t.as_slice() }, Some(&[5u32, 6][..]));
    /// });
    /// ```
    pub unsafe fn as_slice(&self) -> Option<&[T]> {
        let (buf, off, len) = ArrayBuffer::viewed(&self.0).ok()?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { buf.as_slice() }?.get(off..off + len)?;
        // The buffer memory outlives `buf` (the view keeps it alive).
        let ptr = bytes.as_ptr();
        if ptr.align_offset(std::mem::align_of::<T>()) != 0 {
            return None;
        }
        // SAFETY: aligned (checked), len bytes of the live buffer, alive
        // while no JS runs (the caller's contract).
        Some(unsafe { std::slice::from_raw_parts(ptr.cast::<T>(), len / std::mem::size_of::<T>()) })
    }
}

impl<'js, T: TypedElement> FromJs<'js> for TypedArray<'js, T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        // SAFETY: value live.
        if unsafe { sys::JS_GetTypedArrayType(value.as_raw()) } == T::KIND as i32 {
            Ok(TypedArray(value.clone(), std::marker::PhantomData))
        } else {
            Err(Error::type_error(format!(
                "expected {}, got {}",
                T::NAME,
                value.type_name()
            )))
        }
    }
}

impl<'js, T: TypedElement> IntoJs<'js> for TypedArray<'js, T> {
    fn into_js(self, _ctx: Ctx<'js>) -> Result<Value<'js>> {
        Ok(self.0)
    }
}

// SAFETY (the predicate): v is a live value of a live context.
js_type!(
    ArrayBuffer,
    "ArrayBuffer",
    // SAFETY: v is a live value of a live context.
    |v| unsafe { sys::JS_IsArrayBuffer(v.as_raw()) },
    ArrayBuffer,
    |a: ArrayBuffer<'js>| a.0
);

impl crate::engine::objects::typescript::TypeScript for Bytes {
    fn ts() -> String {
        "Uint8Array".into()
    }
}
impl crate::engine::objects::typescript::TypeScript for JsBytes<'_> {
    fn ts() -> String {
        "ArrayBuffer | ArrayBufferView".into()
    }
}
impl crate::engine::objects::typescript::TypeScript for ArrayBuffer<'_> {
    fn ts() -> String {
        "ArrayBuffer".into()
    }
}
impl<T: TypedElement> crate::engine::objects::typescript::TypeScript for TypedArray<'_, T> {
    fn ts() -> String {
        T::NAME.into()
    }
}
