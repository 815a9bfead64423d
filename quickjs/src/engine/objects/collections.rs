//! Keyed collections and dates across the boundary:
//!
//! | JS | Rust |
//! |---|---|
//! | `Map`, or a plain object | `HashMap<K, V>` / `BTreeMap<K, V>` (from JS) |
//! | plain object | `HashMap<impl AsRef<str>, V>` / `BTreeMap<..>` (to JS) |
//! | `Map` | [`JsMap<M>`]: any map or list of pairs, both ways |
//! | `Set`, or an array | `HashSet<T>` / `BTreeSet<T>` (from JS) |
//! | `Set` | `HashSet<T>` / `BTreeSet<T>` (to JS) |
//! | `Date` | `std::time::SystemTime` (millisecond precision) |
//!
//! Maps, sets and dates are read and made with the realm's own built-ins
//! (`engine::objects::realm`): a script that replaces `Map`, `Map.prototype.entries`
//! or `Date.prototype.getTime` changes nothing here, and an object that
//! only pretends (`Object.create(Map.prototype)`) is refused by the
//! built-in's own check. Keys and values convert as everywhere else (their
//! getters may run), with the same depth, cycle and interrupt bounds.

use super::object::{Function, Object};
use super::realm::{inherits, intrinsic, Intrinsic};
use super::typescript::TypeScript;
use crate::engine::convert::limits::{poll, Nested};
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{FromJs, IntoJs};
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A Rust map (or any list of pairs) that crosses as a JS `Map`, keys of
/// any type included; from JS it also takes a plain object.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::JsMap;
/// use std::collections::BTreeMap;
/// ctx.with(|ctx| {
///     let scores = BTreeMap::from([(1, "one"), (2, "two")]);
///     ctx.globals().set("scores", JsMap(scores)).unwrap();
///     assert!(ctx.eval::<bool>("scores instanceof Map && scores.get(2) === 'two'").unwrap());
///     let back: JsMap<Vec<(i32, String)>> = ctx.eval("new Map([[3, 'c']])").unwrap();
///     assert_eq!(back.0, [(3, "c".to_string())]);
/// });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsMap<M>(pub M);

/// Calls `f` with each item of `value`'s iteration by the built-in
/// `method` (a Map's entries, a Set's values) and iterator `next`.
fn for_each_item<'js>(
    value: &Value<'js>,
    method: Intrinsic,
    next: Intrinsic,
    mut f: impl FnMut(usize, Value<'js>) -> Result<()>,
) -> Result<()> {
    let ctx = value.ctx();
    let method = Function::from_js(&intrinsic(ctx, method, 0)?)?;
    let next = Function::from_js(&intrinsic(ctx, next, 0)?)?;
    // The built-in checks that `value` is what it claims (a TypeError if not).
    let iterator: Value = method.call_with_this(value.clone(), ())?;
    for i in 0.. {
        poll(ctx)?;
        // The built-in's result objects have own `value` and `done`.
        let step: Object = next.call_with_this(iterator.clone(), ())?;
        let done: Value = step.get("done")?;
        if done.tag() != sys::JS_TAG_BOOL
            // SAFETY: ctx and done are live; a boolean's ToBoolean runs no JS.
            || unsafe { sys::JS_ToBool(ctx.as_raw(), done.as_raw()) } != 0
        {
            break;
        }
        f(i, step.get("value")?)?;
    }
    Ok(())
}

/// The entries of a JS `Map` or the properties of an object, converted.
pub(crate) fn entries<'js, K: FromJs<'js>, V: FromJs<'js>>(
    value: &Value<'js>,
) -> Result<Vec<(K, V)>> {
    let obj = Object::from_js(value)?;
    let _level = Nested::enter(value)?;
    let mut out = Vec::new();
    if inherits(value, Intrinsic::MapPrototype)? {
        for_each_item(
            value,
            Intrinsic::MapEntries,
            Intrinsic::MapIteratorNext,
            |i, entry| {
                let pair = Object::from_js(&entry)?;
                let key = pair
                    .get(0u32)
                    .map_err(|e| e.prefixed(format_args!("key {i}")))?;
                let v = pair
                    .get(1u32)
                    .map_err(|e| e.prefixed(format_args!("value {i}")))?;
                out.push((key, v));
                Ok(())
            },
        )?;
        return Ok(out);
    }
    let ctx = value.ctx();
    for key in obj.keys()? {
        poll(ctx)?;
        let k = object_key(ctx, &key)?;
        let v = obj
            .get(key.as_str())
            .map_err(|e| e.prefixed(format_args!("property {key:?}")))?;
        out.push((k, v));
    }
    Ok(out)
}

/// A property name as a key of type `K`: the string, or for a key type
/// that takes no string, the number it spells (`{1: 'a'}` into
/// `HashMap<u32, _>`).
fn object_key<'js, K: FromJs<'js>>(ctx: Ctx<'js>, key: &str) -> Result<K> {
    let prefixed = |e: Error| e.prefixed(format_args!("property {key:?}"));
    match K::from_js(&ctx.value(key)?) {
        Ok(k) => Ok(k),
        Err(e) => match key.parse::<f64>() {
            Ok(n) if n.to_string() == key => K::from_js(&ctx.value(n)?).map_err(prefixed),
            _ => Err(prefixed(e)),
        },
    }
}

/// A new JS `Map` or `Set` (`ctor`) filled by calling the built-in `add`
/// with each item's arguments.
fn collection<'js, I: IntoIterator>(
    ctx: Ctx<'js>,
    ctor: Intrinsic,
    add: Intrinsic,
    items: I,
    mut args: impl FnMut(I::Item) -> Result<Vec<Value<'js>>>,
) -> Result<Value<'js>> {
    let _level = Nested::enter_rust()?;
    let ctor = intrinsic(ctx, ctor, 0)?;
    let add = Function::from_js(&intrinsic(ctx, add, 0)?)?;
    // SAFETY: ctor is a live value of ctx; the result is a new reference.
    let target = ctx.check(unsafe {
        sys::JS_CallConstructor(ctx.as_raw(), ctor.as_raw(), 0, std::ptr::null_mut())
    })?;
    for item in items {
        let _: Value = add.call_with_this(target.clone(), args(item)?)?;
    }
    Ok(target)
}

/// From a JS `Map` (any keys) or a plain object (its own enumerable string
/// keys; a key type that takes no string gets the number the key spells).
impl<'js, K, V, S> FromJs<'js> for HashMap<K, V, S>
where
    K: FromJs<'js> + Hash + Eq,
    V: FromJs<'js>,
    S: BuildHasher + Default,
{
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let mut map = HashMap::with_hasher(S::default());
        map.extend(entries(value)?);
        Ok(map)
    }
}

/// As for `HashMap`.
impl<'js, K: FromJs<'js> + Ord, V: FromJs<'js>> FromJs<'js> for BTreeMap<K, V> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Ok(entries(value)?.into_iter().collect())
    }
}

impl<'js, K, V, M> FromJs<'js> for JsMap<M>
where
    K: FromJs<'js>,
    V: FromJs<'js>,
    M: FromIterator<(K, V)> + IntoIterator<Item = (K, V)>,
{
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Ok(JsMap(entries(value)?.into_iter().collect()))
    }
}

impl<'js, K, V, M> IntoJs<'js> for JsMap<M>
where
    K: IntoJs<'js>,
    V: IntoJs<'js>,
    M: IntoIterator<Item = (K, V)>,
{
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        collection(ctx, Intrinsic::Map, Intrinsic::MapSet, self.0, |(k, v)| {
            Ok(vec![k.into_js(ctx)?, v.into_js(ctx)?])
        })
    }
}

/// The items of a JS `Set` or array (or array-like).
pub(crate) fn items<'js, T: FromJs<'js>>(value: &Value<'js>) -> Result<Vec<T>> {
    if value.tag() != sys::JS_TAG_OBJECT {
        return Err(Error::type_error(format!(
            "expected Set or array, got {}",
            value.type_name()
        )));
    }
    if !inherits(value, Intrinsic::SetPrototype)? {
        return Vec::<T>::from_js(value);
    }
    let _level = Nested::enter(value)?;
    let mut out = Vec::new();
    for_each_item(
        value,
        Intrinsic::SetValues,
        Intrinsic::SetIteratorNext,
        |i, item| {
            out.push(T::from_js(&item).map_err(|e| e.prefixed(format_args!("item {i}")))?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// From a JS `Set` or an array (duplicates collapse).
impl<'js, T, S> FromJs<'js> for HashSet<T, S>
where
    T: FromJs<'js> + Hash + Eq,
    S: BuildHasher + Default,
{
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let mut set = HashSet::with_hasher(S::default());
        set.extend(items(value)?);
        Ok(set)
    }
}

/// From a JS `Set` or an array (duplicates collapse).
impl<'js, T: FromJs<'js> + Ord> FromJs<'js> for BTreeSet<T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        Ok(items(value)?.into_iter().collect())
    }
}

/// A JS `Set`.
impl<'js, T: IntoJs<'js>, S> IntoJs<'js> for HashSet<T, S> {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        collection(ctx, Intrinsic::Set, Intrinsic::SetAdd, self, |t| {
            Ok(vec![t.into_js(ctx)?])
        })
    }
}

/// A JS `Set`.
impl<'js, T: IntoJs<'js>> IntoJs<'js> for BTreeSet<T> {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        collection(ctx, Intrinsic::Set, Intrinsic::SetAdd, self, |t| {
            Ok(vec![t.into_js(ctx)?])
        })
    }
}

/// The latest and earliest instants a JS `Date` holds: ±8.64e15 ms.
const DATE_RANGE_MS: f64 = 8.64e15;

/// From a JS `Date` (a `RangeError` for an invalid one).
impl<'js> FromJs<'js> for SystemTime {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let ctx = value.ctx();
        if value.tag() != sys::JS_TAG_OBJECT || !inherits(value, Intrinsic::DatePrototype)? {
            return Err(Error::type_error(format!(
                "expected Date, got {}",
                value.type_name()
            )));
        }
        let get_time = Function::from_js(&intrinsic(ctx, Intrinsic::DateGetTime, 0)?)?;
        let ms: f64 = get_time.call_with_this(value.clone(), ())?;
        if !ms.is_finite() {
            return Err(Error::range_error(
                "expected a valid Date, got Invalid Date",
            ));
        }
        let offset = Duration::from_millis(ms.abs() as u64);
        let time = if ms >= 0.0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH.checked_sub(offset)
        };
        time.ok_or_else(|| {
            Error::range_error(format!("the Date {ms} ms from 1970 is beyond SystemTime"))
        })
    }
}

/// A JS `Date` (whole milliseconds: finer parts are dropped); a
/// `RangeError` beyond a `Date`'s range (±8.64e15 ms, about ±273,790
/// years).
impl<'js> IntoJs<'js> for SystemTime {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let ms = match self.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_millis() as f64,
            // Before 1970: round toward the past, as JS does.
            Err(e) => -(e.duration().as_nanos().div_ceil(1_000_000) as f64),
        };
        if ms.abs() > DATE_RANGE_MS {
            return Err(Error::range_error(
                "the time is beyond a Date's range (±8.64e15 ms)",
            ));
        }
        let date = intrinsic(ctx, Intrinsic::Date, 0)?;
        let mut arg = ctx.value(ms)?.into_raw();
        // SAFETY: date is a live value of ctx, arg a number (nothing to
        // free); the result is a new reference, owned by the Value.
        ctx.check(unsafe { sys::JS_CallConstructor(ctx.as_raw(), date.as_raw(), 1, &mut arg) })
    }
}

impl TypeScript for SystemTime {
    fn ts() -> String {
        "Date".into()
    }
}

impl<T: TypeScript, S> TypeScript for HashSet<T, S> {
    fn ts() -> String {
        format!("Set<{}>", T::ts())
    }
}

impl<T: TypeScript> TypeScript for BTreeSet<T> {
    fn ts() -> String {
        format!("Set<{}>", T::ts())
    }
}

impl<K: TypeScript, V: TypeScript, S> TypeScript for JsMap<HashMap<K, V, S>> {
    fn ts() -> String {
        format!("Map<{}, {}>", K::ts(), V::ts())
    }
}

impl<K: TypeScript, V: TypeScript> TypeScript for JsMap<BTreeMap<K, V>> {
    fn ts() -> String {
        format!("Map<{}, {}>", K::ts(), V::ts())
    }
}

impl<K: TypeScript, V: TypeScript> TypeScript for JsMap<Vec<(K, V)>> {
    fn ts() -> String {
        format!("Map<{}, {}>", K::ts(), V::ts())
    }
}
