//! More value types: persistent handles, bytes and ArrayBuffers, BigInt,
//! Promise, char, tuples and maps.

use crate::convert::{js_type, FromJs, IntoJs};
use crate::error::{Error, Result};
use crate::object::Object;
use crate::runtime::Runtime;
use crate::value::{Ctx, Value};
use quickjs_sys as sys;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// A value kept across `with` calls, e.g. a JS callback stored in a Rust
/// struct. It keeps its runtime alive; dropping it releases the value (under
/// the runtime's lock, from any thread).
///
/// ```
/// use quickjs::{Context, Function, Persistent, Runtime};
/// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
/// let saved = ctx.with(|ctx| Persistent::save(ctx, ctx.eval("(x) => x + 1").unwrap())).unwrap();
/// let r: i32 = ctx.with(|ctx| saved.restore::<Function>(ctx)?.call((41,))).unwrap();
/// assert_eq!(r, 42);
/// ```
pub struct Persistent {
    rt: Runtime,
    raw: sys::JSValue,
}

// SAFETY: the value is only touched with its runtime's lock held.
unsafe impl Send for Persistent {}
// SAFETY: as above.
unsafe impl Sync for Persistent {}

impl Persistent {
    /// Keeps `value` beyond the current `with` call. Fails for a context
    /// whose runtime no [`Runtime`] owns (one made by a C host).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let saved = ctx.with(|ctx| quickjs::Persistent::save(ctx, ctx.eval("({ n: 1 })").unwrap())).unwrap();
    /// let n: i32 = ctx.with(|ctx| saved.restore::<quickjs::Object>(ctx)?.get("n")).unwrap();
    /// assert_eq!(n, 1);
    /// ```
    pub fn save<'js>(ctx: Ctx<'js>, value: Value<'js>) -> Result<Self> {
        let rt = ctx.runtime().ok_or_else(|| {
            Error::type_error("persistent values need a runtime owned by quickjs::Runtime")
        })?;
        Ok(Persistent {
            rt,
            raw: value.into_raw(),
        })
    }

    /// The value in `ctx`, converted. `ctx` must belong to the same runtime.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let saved = ctx.with(|ctx| quickjs::Persistent::save(ctx, ctx.eval("'kept'").unwrap())).unwrap();
    /// assert_eq!(ctx.with(|ctx| saved.restore::<String>(ctx)).unwrap(), "kept");
    /// ```
    pub fn restore<'js, T: FromJs<'js>>(&self, ctx: Ctx<'js>) -> Result<T> {
        if !ctx
            .runtime()
            .is_some_and(|rt| std::sync::Arc::ptr_eq(&rt.inner, &self.rt.inner))
        {
            return Err(Error::type_error(
                "a persistent value can only be restored in a context of its own runtime",
            ));
        }
        // SAFETY: we own a reference to a live value of this runtime; the
        // clone made by from_js (or the dup below) is a new reference.
        let borrowed = std::mem::ManuallyDrop::new(unsafe { Value::from_raw(ctx, self.raw) });
        T::from_js(&borrowed)
    }
}

impl Drop for Persistent {
    fn drop(&mut self) {
        let raw = self.raw;
        // SAFETY: we own one reference; the runtime is alive (we hold it) and locked.
        self.rt.lock(|rt| unsafe { sys::JS_FreeValueRT(rt, raw) });
    }
}

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
        ctx.check(unsafe { sys::JS_NewUint8ArrayCopy(ctx.as_raw(), self.0.as_ptr(), self.0.len()) })
    }
}

impl<'js> FromJs<'js> for Bytes {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let (buf, off, len) = ArrayBuffer::viewed(value)?;
        // SAFETY: the range was checked against the buffer; copied at once.
        let bytes = unsafe { buf.as_slice() }
            .and_then(|s| s.get(off..off + len))
            .unwrap_or_default();
        Ok(Bytes(bytes.to_vec()))
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
        ctx.check(unsafe { sys::JS_NewArrayBufferCopy(ctx.as_raw(), bytes.as_ptr(), bytes.len()) })
            .map(ArrayBuffer)
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
        let mut len = 0usize;
        let ptr = sys::JS_GetArrayBuffer(self.0.ctx().as_raw(), &mut len, self.0.as_raw());
        if ptr.is_null() {
            drop(Value::from_raw(
                self.0.ctx(),
                sys::JS_GetException(self.0.ctx().as_raw()),
            ));
            return None;
        }
        Some(std::slice::from_raw_parts(ptr, len))
    }

    /// The buffer behind `value` (itself, or a view's), with the viewed range.
    fn viewed(value: &Value<'js>) -> Result<(Self, usize, usize)> {
        let raw = value.as_raw();
        // SAFETY: value is live; returned values are owned.
        unsafe {
            if sys::JS_IsArrayBuffer(raw) {
                let buf = ArrayBuffer(value.clone());
                let len = buf.as_slice().map_or(0, <[u8]>::len);
                return Ok((buf, 0, len));
            }
            if sys::JS_GetTypedArrayType(raw) < 0 && !is_data_view(value) {
                return Err(Error::type_error(format!(
                    "expected ArrayBuffer or typed array, got {}",
                    value.type_name()
                )));
            }
        }
        // A view (typed array or DataView): its buffer and viewed range, read
        // through the standard getters and checked against the buffer.
        let view = Object::from_value(value.clone());
        let buf: ArrayBuffer = view.get("buffer")?;
        let (off, len): (usize, usize) = (view.get("byteOffset")?, view.get("byteLength")?);
        // SAFETY: only the length is read.
        let total = unsafe { buf.as_slice() }.map_or(0, <[u8]>::len);
        match off.checked_add(len) {
            Some(end) if end <= total => Ok((buf, off, len)),
            _ => Err(Error::type_error(
                "expected bytes, got a detached or out-of-bounds view",
            )),
        }
    }
}

fn is_data_view(value: &Value<'_>) -> bool {
    let ctx = value.ctx();
    let Ok(ctor) = ctx.globals().get::<_, Value>("DataView") else {
        return false;
    };
    // SAFETY: both values live.
    unsafe { sys::JS_IsInstanceOf(ctx.as_raw(), value.as_raw(), ctor.as_raw()) > 0 }
}

/// A JS BigInt holding any `i64`/`u64`; `from_js` range-checks.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::BigInt;
/// ctx.with(|ctx| {
///     assert_eq!(ctx.eval::<BigInt>("2n ** 40n").unwrap(), BigInt(1 << 40));
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BigInt(pub i128);

impl<'js> IntoJs<'js> for BigInt {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        // SAFETY: ctx live.
        let raw = match (i64::try_from(self.0), u64::try_from(self.0)) {
            (Ok(v), _) => unsafe { sys::JS_NewBigInt64(ctx.as_raw(), v) },
            (_, Ok(v)) => unsafe { sys::JS_NewBigUint64(ctx.as_raw(), v) },
            _ => {
                return Err(Error::range_error(format!(
                    "{} does not fit in 64 bits",
                    self.0
                )))
            }
        };
        ctx.check(raw)
    }
}

impl<'js> FromJs<'js> for BigInt {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        if !sys::JS_IsBigInt(value.as_raw()) {
            return Err(Error::type_error(format!(
                "expected bigint, got {}",
                value.type_name()
            )));
        }
        let ctx = value.ctx();
        let text = ctx.stringify(value);
        text.parse::<i128>()
            .ok()
            .filter(|v| i64::try_from(*v).is_ok() || u64::try_from(*v).is_ok())
            .map(BigInt)
            .ok_or_else(|| {
                Error::range_error(format!(
                    "expected a bigint in i64 or u64 range, got {text}n"
                ))
            })
    }
}

/// The state of a JS Promise.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Promise, PromiseState};
/// ctx.with(|ctx| {
///     let p: Promise = ctx.eval("Promise.reject(1)").unwrap();
///     assert!(matches!(p.state(), PromiseState::Rejected(_)));
/// });
/// ```
#[derive(Debug, Clone)]
pub enum PromiseState<'js> {
    /// Not settled yet.
    Pending,
    /// Fulfilled with a value.
    Fulfilled(Value<'js>),
    /// Rejected with a reason.
    Rejected(Value<'js>),
}

/// A JS Promise.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Promise;
/// ctx.with(|ctx| {
///     let p: Promise = ctx.eval("Promise.resolve('done')").unwrap();
///     assert_eq!(p.result::<String>().unwrap().unwrap(), "done");
/// });
/// ```
#[derive(Debug, Clone)]
pub struct Promise<'js>(Value<'js>);

impl<'js> Promise<'js> {
    /// Its current state (run jobs with `Runtime::run_pending_jobs` to
    /// make progress).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Promise, PromiseState};
    /// ctx.with(|ctx| {
    ///     let p: Promise = ctx.eval("new Promise(() => {})").unwrap();
    ///     assert!(matches!(p.state(), PromiseState::Pending));
    /// });
    /// ```
    pub fn state(&self) -> PromiseState<'js> {
        let ctx = self.0.ctx();
        // SAFETY: a live promise; PromiseResult returns an owned value.
        unsafe {
            match sys::JS_PromiseState(ctx.as_raw(), self.0.as_raw()) {
                sys::JS_PROMISE_FULFILLED => PromiseState::Fulfilled(Value::from_raw(
                    ctx,
                    sys::JS_PromiseResult(ctx.as_raw(), self.0.as_raw()),
                )),
                sys::JS_PROMISE_REJECTED => PromiseState::Rejected(Value::from_raw(
                    ctx,
                    sys::JS_PromiseResult(ctx.as_raw(), self.0.as_raw()),
                )),
                _ => PromiseState::Pending,
            }
        }
    }

    /// Waits until the promise settles, running jobs and driving Rust
    /// futures meanwhile (sleeping in `poll(2)` while only Rust futures are
    /// pending); then its value, converted, or its rejection as an error.
    /// If nothing is left that could settle it, that is an error, not a hang.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let p: quickjs::Promise = ctx.eval("Promise.resolve(1).then(x => x + 1)").unwrap();
    ///     assert_eq!(p.wait::<i32>().unwrap(), 2);
    /// });
    /// ```
    pub fn wait<T: FromJs<'js>>(&self) -> Result<T> {
        let ctx = self.0.ctx();
        // SAFETY: ctx live (and locked by the caller's `with`).
        let rt = unsafe { sys::JS_GetRuntime(ctx.as_raw()) };
        loop {
            if let Some(r) = self.result() {
                return r;
            }
            let mut job_ctx = std::ptr::null_mut();
            // SAFETY: rt live; a negative result leaves the exception in job_ctx.
            match unsafe { sys::JS_ExecutePendingJob(rt, &mut job_ctx) } {
                1 => continue,
                // SAFETY: the failing job's context is live.
                n if n < 0 => return Err(unsafe { Ctx::from_raw(job_ctx) }.catch()),
                _ => {}
            }
            // rust_run (inside the call above) may just have settled it.
            if let Some(r) = self.result() {
                return r;
            }
            if !crate::bridge::wait_for_progress(rt) {
                return Err(Error::message(
                    "the promise can never settle: no job and no Rust future is pending",
                ));
            }
        }
    }

    /// A Rust future of the promise's outcome: the fulfilled value converted
    /// to `T`, or the rejection as an error. Poll it on the runtime's thread,
    /// e.g. inside a future given to [`Ctx::spawn`].
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let js: quickjs::Promise = ctx.eval("Promise.resolve(20)").unwrap();
    ///     let twice = js.into_future::<i32>().unwrap();
    ///     let p = ctx.spawn(async move { twice.await.map(|n| n * 2 + 2) }).unwrap();
    ///     assert_eq!(p.wait::<i32>().unwrap(), 42);
    /// });
    /// ```
    pub fn into_future<T>(self) -> Result<PromiseFuture<T>>
    where
        T: for<'a> FromJs<'a> + Send + 'static,
    {
        let ctx = self.0.ctx();
        let slot: std::sync::Arc<std::sync::Mutex<FutureSlot<T>>> = Default::default();
        let (ok, err) = (slot.clone(), slot.clone());
        let on_ok = crate::Function::new(ctx, "onFulfilled", 1, move |args| {
            lock_slot(&ok).settle(args.get::<T>(0));
            Ok(Value::undefined(args.ctx()))
        })?;
        let on_err = crate::Function::new(ctx, "onRejected", 1, move |args| {
            let reason: Value = args.get(0)?;
            lock_slot(&err).settle(Err(Error::Thrown(args.ctx().describe(&reason))));
            Ok(Value::undefined(args.ctx()))
        })?;
        let then: crate::Function = Object::from_value(self.0.clone()).get("then")?;
        let _: Value = then.call_with_this(self.0, (on_ok, on_err))?;
        Ok(PromiseFuture { slot })
    }

    /// The promise as a plain value.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let p: quickjs::Promise = ctx.eval("Promise.resolve()").unwrap();
    ///     assert_eq!(p.into_value().type_name(), "object");
    /// });
    /// ```
    pub fn into_value(self) -> Value<'js> {
        self.0
    }

    /// The fulfilled value converted, the rejection as an error, or `None`
    /// while pending.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Promise;
    /// ctx.with(|ctx| {
    ///     let p: Promise = ctx.eval("Promise.resolve(5)").unwrap();
    ///     assert_eq!(p.result::<i32>().unwrap().unwrap(), 5);
    /// });
    /// ```
    pub fn result<T: FromJs<'js>>(&self) -> Option<Result<T>> {
        match self.state() {
            PromiseState::Pending => None,
            PromiseState::Fulfilled(v) => Some(T::from_js(&v)),
            PromiseState::Rejected(e) => Some(Err(Error::Thrown(e.ctx().describe(&e)))),
        }
    }
}

/// A one-character string.
impl<'js> FromJs<'js> for char {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let s = String::from_js(value)?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(Error::type_error(format!(
                "expected a single character, got a string of {} characters",
                s.chars().count()
            ))),
        }
    }
}

impl<'js> IntoJs<'js> for char {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        self.encode_utf8(&mut [0; 4]).into_js(ctx)
    }
}

macro_rules! tuples {
    ($($n:literal: $($t:ident $i:tt),*;)*) => {$(
        /// A tuple is an array of exactly its length.
        impl<'js, $($t: FromJs<'js>),*> FromJs<'js> for ($($t,)*) {
            fn from_js(value: &Value<'js>) -> Result<Self> {
                let items = Vec::<Value<'js>>::from_js(value)?;
                if items.len() != $n {
                    return Err(Error::type_error(format!("expected an array of {} elements, got {}", $n, items.len())));
                }
                Ok(($($t::from_js(&items[$i]).map_err(|e| e.prefixed(format_args!("element {}", $i)))?,)*))
            }
        }
        impl<'js, $($t: IntoJs<'js>),*> IntoJs<'js> for ($($t,)*) {
            fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
                vec![$(self.$i.into_js(ctx)?),*].into_js(ctx)
            }
        }
    )*};
}
tuples! {
    1: A 0;
    2: A 0, B 1;
    3: A 0, B 1, C 2;
    4: A 0, B 1, C 2, D 3;
    5: A 0, B 1, C 2, D 3, E 4;
    6: A 0, B 1, C 2, D 3, E 4, F 5;
}

// HashMap needs `S: BuildHasher` and Hash keys; BTreeMap has no hasher.
impl<'js, V: FromJs<'js>, S: BuildHasher + Default> FromJs<'js> for HashMap<String, V, S> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let obj = Object::from_js(value)?;
        let mut map = HashMap::with_hasher(S::default());
        for key in obj.keys()? {
            let v = obj
                .get(key.as_str())
                .map_err(|e| e.prefixed(format_args!("property {key:?}")))?;
            map.insert(key, v);
        }
        Ok(map)
    }
}
impl<'js, K: AsRef<str> + Hash + Eq, V: IntoJs<'js>, S: BuildHasher> IntoJs<'js>
    for HashMap<K, V, S>
{
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let obj = Object::new(ctx)?;
        for (k, v) in self {
            obj.set(k.as_ref(), v)?;
        }
        Ok(obj.into_value())
    }
}
impl<'js, V: FromJs<'js>> FromJs<'js> for BTreeMap<String, V> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let obj = Object::from_js(value)?;
        let mut map = BTreeMap::new();
        for key in obj.keys()? {
            let v = obj
                .get(key.as_str())
                .map_err(|e| e.prefixed(format_args!("property {key:?}")))?;
            map.insert(key, v);
        }
        Ok(map)
    }
}
impl<'js, K: AsRef<str> + Ord, V: IntoJs<'js>> IntoJs<'js> for BTreeMap<K, V> {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let obj = Object::new(ctx)?;
        for (k, v) in self {
            obj.set(k.as_ref(), v)?;
        }
        Ok(obj.into_value())
    }
}

/// A JS array.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Array;
/// ctx.with(|ctx| {
///     let a: Array = ctx.eval("['a', 'b']").unwrap();
///     assert_eq!(a.get::<String>(1).unwrap(), "b");
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Array<'js>(Object<'js>);

impl<'js> Array<'js> {
    /// A new empty array.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let a = quickjs::Array::new(ctx).unwrap();
    ///     assert!(a.is_empty().unwrap());
    /// });
    /// ```
    pub fn new(ctx: Ctx<'js>) -> Result<Self> {
        // SAFETY: ctx live.
        ctx.check(unsafe { sys::JS_NewArray(ctx.as_raw()) })
            .map(|v| Array(Object::from_value(v)))
    }

    /// `arr.length`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let n = ctx.with(|ctx| ctx.eval::<quickjs::Array>("[1, 2, 3]")?.len()).unwrap();
    /// assert_eq!(n, 3);
    /// ```
    pub fn len(&self) -> Result<usize> {
        self.0.get("length")
    }

    /// Whether `arr.length` is 0.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// assert!(ctx.with(|ctx| ctx.eval::<quickjs::Array>("[]")?.is_empty()).unwrap());
    /// ```
    pub fn is_empty(&self) -> Result<bool> {
        self.len().map(|n| n == 0)
    }

    /// `arr[i]`, converted.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// assert_eq!(ctx.with(|ctx| ctx.eval::<quickjs::Array>("[4, 5]")?.get::<i32>(0)).unwrap(), 4);
    /// ```
    pub fn get<T: FromJs<'js>>(&self, i: u32) -> Result<T> {
        self.0.get(i)
    }

    /// `arr[i] = v`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let a = quickjs::Array::new(ctx).unwrap();
    ///     a.set(1, true).unwrap();
    ///     assert_eq!(a.len().unwrap(), 2);
    /// });
    /// ```
    pub fn set<T: IntoJs<'js>>(&self, i: u32, v: T) -> Result<()> {
        self.0.set(i, v)
    }

    /// The elements converted one by one, in order (the length is read
    /// once, before the first element).
    ///
    /// ```
    /// # let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    /// ctx.with(|ctx| {
    ///     let a: quickjs::Array = ctx.eval("[1, 2, 3]").unwrap();
    ///     let sum: i32 = a.iter::<i32>().unwrap().map(Result::unwrap).sum();
    ///     assert_eq!(sum, 6);
    /// });
    /// ```
    pub fn iter<'a, T: FromJs<'js>>(
        &'a self,
    ) -> Result<impl Iterator<Item = Result<T>> + use<'a, 'js, T>> {
        let len = u32::try_from(self.len()?).map_err(|_| Error::range_error("array too long"))?;
        Ok((0..len).map(move |i| self.get(i)))
    }

    /// The array as an object.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let a = quickjs::Array::new(ctx).unwrap();
    ///     assert_eq!(a.into_object().get::<_, u32>("length").unwrap(), 0);
    /// });
    /// ```
    pub fn into_object(self) -> Object<'js> {
        self.0
    }
}

/// A JS string value (UTF-16 inside the engine); [`JsString::to_string`]
/// converts it, with lone surrogates replaced by U+FFFD.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::JsString;
/// ctx.with(|ctx| {
///     let s: JsString = ctx.eval("'lone \\uD800'").unwrap();
///     assert_eq!(s.to_string(), "lone \u{fffd}");
/// });
/// ```
#[derive(Clone, Debug)]
pub struct JsString<'js>(Value<'js>);

impl<'js> JsString<'js> {
    /// A new string.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let s = quickjs::JsString::new(ctx, "hi").unwrap();
    ///     assert_eq!(s.to_string(), "hi");
    /// });
    /// ```
    pub fn new(ctx: Ctx<'js>, s: &str) -> Result<Self> {
        s.into_js(ctx).map(JsString)
    }
    /// The text as a Rust string.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let s = ctx.with(|ctx| quickjs::JsString::new(ctx, "é").map(|s| s.to_string())).unwrap();
    /// assert_eq!(s, "é");
    /// ```
    #[allow(clippy::inherent_to_string_shadow_display)]
    pub fn to_string(&self) -> String {
        self.0.ctx().stringify(&self.0)
    }
}

/// A JS symbol.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Symbol;
/// ctx.with(|ctx| {
///     let s: Symbol = ctx.eval("Symbol.iterator").unwrap();
///     assert_eq!(s.description().unwrap().as_deref(), Some("Symbol.iterator"));
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Symbol<'js>(Value<'js>);

impl<'js> Symbol<'js> {
    /// `Symbol(description)`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let s = quickjs::Symbol::new(ctx, "k").unwrap();
    ///     ctx.globals().set("k", s).unwrap();
    ///     assert_eq!(ctx.eval::<String>("k.toString()").unwrap(), "Symbol(k)");
    /// });
    /// ```
    pub fn new(ctx: Ctx<'js>, description: &str) -> Result<Self> {
        let d = std::ffi::CString::new(description)
            .map_err(|_| Error::type_error("symbol description contains a NUL byte"))?;
        // SAFETY: ctx live.
        ctx.check(unsafe { sys::JS_NewSymbol(ctx.as_raw(), d.as_ptr(), false) })
            .map(Symbol)
    }
    /// `sym.description`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// let d = ctx.with(|ctx| quickjs::Symbol::new(ctx, "id")?.description()).unwrap();
    /// assert_eq!(d.as_deref(), Some("id"));
    /// ```
    pub fn description(&self) -> Result<Option<String>> {
        let ctx = self.0.ctx();
        let f: crate::Function = ctx.eval("(s) => s.description")?;
        f.call((self.clone(),))
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
        let bytes = buf.as_slice()?.get(off..off + len)?;
        // The buffer memory outlives `buf` (the view keeps it alive).
        let ptr = bytes.as_ptr();
        if ptr.align_offset(std::mem::align_of::<T>()) != 0 {
            return None;
        }
        Some(std::slice::from_raw_parts(
            ptr.cast::<T>(),
            len / std::mem::size_of::<T>(),
        ))
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

// SAFETY (the predicates): v is a live value of a live context.
js_type!(
    ArrayBuffer,
    "ArrayBuffer",
    |v| unsafe { sys::JS_IsArrayBuffer(v.as_raw()) },
    ArrayBuffer,
    |a: ArrayBuffer<'js>| a.0
);
js_type!(
    Promise,
    "promise",
    |v| unsafe { sys::JS_IsPromise(v.as_raw()) },
    Promise,
    |p: Promise<'js>| p.0
);
js_type!(
    Array,
    "array",
    |v| unsafe { sys::JS_IsArray(v.as_raw()) },
    |v| Array(Object::from_value(v)),
    |a: Array<'js>| a.0.into_value()
);
js_type!(
    JsString,
    "string",
    |v| sys::JS_IsString(v.as_raw()),
    JsString,
    |s: JsString<'js>| s.0
);
js_type!(
    Symbol,
    "symbol",
    |v| sys::JS_IsSymbol(v.as_raw()),
    Symbol,
    |s: Symbol<'js>| s.0
);

/// Where a JS promise's outcome waits for the Rust future polling it.
struct FutureSlot<T> {
    outcome: Option<Result<T>>,
    waker: Option<std::task::Waker>,
}

impl<T> Default for FutureSlot<T> {
    fn default() -> Self {
        FutureSlot {
            outcome: None,
            waker: None,
        }
    }
}

impl<T> FutureSlot<T> {
    fn settle(&mut self, outcome: Result<T>) {
        self.outcome = Some(outcome);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

/// The future of [`Promise::into_future`].
pub struct PromiseFuture<T> {
    slot: std::sync::Arc<std::sync::Mutex<FutureSlot<T>>>,
}

fn lock_slot<T>(
    slot: &std::sync::Mutex<FutureSlot<T>>,
) -> std::sync::MutexGuard<'_, FutureSlot<T>> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T> std::future::Future for PromiseFuture<T> {
    type Output = Result<T>;
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<T>> {
        let mut slot = lock_slot(&self.slot);
        match slot.outcome.take() {
            Some(outcome) => std::task::Poll::Ready(outcome),
            None => {
                slot.waker = Some(cx.waker().clone());
                std::task::Poll::Pending
            }
        }
    }
}
