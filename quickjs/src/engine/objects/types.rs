//! More value types: BigInt, arrays, strings, symbols, char, tuples and
//! maps.

use super::object::{Function, Object};
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{js_type, FromJs, IntoJs};
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

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
        let raw = match (i64::try_from(self.0), u64::try_from(self.0)) {
            // SAFETY: ctx live.
            (Ok(v), _) => unsafe { sys::JS_NewBigInt64(ctx.as_raw(), v) },
            // SAFETY: ctx live.
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

/// A plain object (see `engine::objects::collections` for `Map`s, sets and the way
/// back).
impl<'js, K: AsRef<str> + Hash + Eq, V: IntoJs<'js>, S: BuildHasher> IntoJs<'js>
    for HashMap<K, V, S>
{
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        plain_object(ctx, self)
    }
}
/// A plain object.
impl<'js, K: AsRef<str> + Ord, V: IntoJs<'js>> IntoJs<'js> for BTreeMap<K, V> {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        plain_object(ctx, self)
    }
}

/// A plain object with the properties `entries` give, in their order (one
/// nesting level of the conversion).
fn plain_object<'js, K: AsRef<str>, V: IntoJs<'js>>(
    ctx: Ctx<'js>,
    entries: impl IntoIterator<Item = (K, V)>,
) -> Result<Value<'js>> {
    let _level = crate::engine::convert::limits::Nested::enter_rust()?;
    let obj = Object::new(ctx)?;
    for (k, v) in entries {
        obj.set(k.as_ref(), v)?;
    }
    Ok(obj.into_value())
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

/// An array is an object: [`Object`]'s methods reach its properties
/// (where `Array` has its own method of the same name, `get`/`set` by
/// index, `(*a).get("key")` reaches the object's).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let a: quickjs::Array = ctx.eval("Object.assign([1, 2], { label: 'pair' })").unwrap();
///     assert!(a.contains_key("label").unwrap());
///     assert_eq!((*a).get::<_, String>("label").unwrap(), "pair");
/// });
/// ```
impl<'js> std::ops::Deref for Array<'js> {
    type Target = Object<'js>;
    fn deref(&self) -> &Object<'js> {
        &self.0
    }
}

/// A JS string value (UTF-16 inside the engine); `to_string()` (`Display`)
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
}

/// The text (lone surrogates as U+FFFD); `to_string()` gives it as a Rust
/// string.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// let s = ctx.with(|ctx| quickjs::JsString::new(ctx, "é").map(|s| s.to_string())).unwrap();
/// assert_eq!(s, "é");
/// ```
impl std::fmt::Display for JsString<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.ctx().stringify(&self.0))
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
pub struct Symbol<'js>(pub(crate) Value<'js>);

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
    ///
    /// Read from the engine (no `description` getter runs); a symbol made
    /// with an empty description reads as `None`, like one made without.
    pub fn description(&self) -> Result<Option<String>> {
        let ctx = self.0.ctx();
        let atom = ctx.atom_of(&self.0)?;
        // SAFETY: the atom is live; the string is owned by the Value.
        let d = ctx.check(unsafe { sys::JS_AtomToString(ctx.as_raw(), atom.raw) })?;
        let d = String::from_js(&d)?;
        Ok((!d.is_empty()).then_some(d))
    }

    /// A well-known symbol (`Symbol.iterator`, ...): the engine's own, even
    /// if a script has replaced `globalThis.Symbol`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Symbol, WellKnownSymbol};
    /// ctx.with(|ctx| {
    ///     ctx.eval::<()>("globalThis.Symbol = { iterator: 'fake' }").unwrap();
    ///     let it = Symbol::well_known(ctx, WellKnownSymbol::Iterator).unwrap();
    ///     assert_eq!(it.description().unwrap().as_deref(), Some("Symbol.iterator"));
    ///     ctx.globals().set("it", it).unwrap();
    ///     assert!(ctx.eval::<bool>("typeof [][it] === 'function'").unwrap());
    /// });
    /// ```
    pub fn well_known(ctx: Ctx<'js>, which: WellKnownSymbol) -> Result<Self> {
        let v = super::realm::intrinsic(ctx, super::realm::Intrinsic::WellKnown, which as usize)?;
        Symbol::from_js(&v)
    }
}

/// The well-known symbols, for [`Symbol::well_known`] (`Iterator` is
/// `Symbol.iterator`; the order of `engine::objects::realm::WELL_KNOWN`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
#[allow(missing_docs)]
#[non_exhaustive]
pub enum WellKnownSymbol {
    AsyncIterator,
    HasInstance,
    IsConcatSpreadable,
    Iterator,
    Match,
    MatchAll,
    Replace,
    Search,
    Species,
    Split,
    ToPrimitive,
    ToStringTag,
    Unscopables,
}

// SAFETY (the predicates): v is a live value of a live context.
js_type!(
    Array,
    "array",
    |v| v.is_array(),
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

/// A value's views as the JS types of this floor, and `instanceof`.
impl<'js> Value<'js> {
    /// The object, if the value is one (functions and arrays too).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     let v: Vec<quickjs::Value> = ctx.eval("[{ a: 1 }, [1], () => 2, 'x', Symbol('s'), Promise.resolve()]").unwrap();
    ///     assert_eq!(v[0].as_object().unwrap().get::<_, i32>("a").unwrap(), 1);
    ///     assert_eq!(v[1].as_array().unwrap().len().unwrap(), 1);
    ///     assert_eq!(v[2].as_function().unwrap().call::<_, i32>(()).unwrap(), 2);
    ///     assert_eq!(v[3].as_string().unwrap().to_string(), "x");
    ///     assert!(v[4].as_symbol().is_some() && v[3].as_object().is_none() && v[0].as_function().is_none());
    ///     assert!(v[5].is_promise() && !v[0].is_promise());
    /// });
    /// ```
    pub fn as_object(&self) -> Option<Object<'js>> {
        self.is_object().then(|| Object::from_value(self.clone()))
    }

    /// The function, if the value is callable.
    pub fn as_function(&self) -> Option<Function<'js>> {
        self.is_function()
            .then(|| Function::from_js(self).ok())
            .flatten()
    }

    /// The array, if the value is one (see [`Value::is_array`]).
    pub fn as_array(&self) -> Option<Array<'js>> {
        self.is_array()
            .then(|| Array(Object::from_value(self.clone())))
    }

    /// The string, if the value is one.
    pub fn as_string(&self) -> Option<JsString<'js>> {
        self.is_string().then(|| JsString(self.clone()))
    }

    /// The symbol, if the value is one.
    pub fn as_symbol(&self) -> Option<Symbol<'js>> {
        self.is_symbol().then(|| Symbol(self.clone()))
    }

    /// A promise (quickjs-ng; see [`crate::Promise`]).
    #[cfg(not(quickjs_bellard))]
    pub fn is_promise(&self) -> bool {
        // SAFETY: a live value.
        unsafe { sys::JS_IsPromise(self.as_raw()) }
    }

    /// `value instanceof ctor`, as JS computes it: `ctor[Symbol.hasInstance]`
    /// if it has one (script code may run), else the prototype chain. A
    /// `ctor` that is not callable is a `TypeError`, as in JS.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Object, Value};
    /// ctx.with(|ctx| {
    ///     let e: Value = ctx.eval("class E extends Error {}; globalThis.E = E; new E()").unwrap();
    ///     let ctor: Object = ctx.globals().get("E").unwrap();
    ///     let error: Object = ctx.globals().get("Error").unwrap();
    ///     assert!(e.instance_of(&ctor).unwrap() && e.instance_of(&error).unwrap());
    ///     assert!(e.instance_of(&Object::new(ctx).unwrap()).is_err());
    /// });
    /// ```
    pub fn instance_of(&self, ctor: &Object<'js>) -> Result<bool> {
        let ctx = self.ctx();
        // SAFETY: both live.
        let r =
            unsafe { sys::JS_IsInstanceOf(ctx.as_raw(), self.as_raw(), ctor.as_value().as_raw()) };
        if r < 0 {
            return Err(ctx.catch());
        }
        Ok(r > 0)
    }
}
