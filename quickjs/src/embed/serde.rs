//! `serde` support (feature `serde`): Rust data to JS values and back, built
//! directly with the engine's constructors: no JSON text in between.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Point { x: f64, y: f64, tag: Option<String> }
//!
//! let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
//! ctx.with(|ctx| {
//!     let v = quickjs::serde::to_value(ctx, &Point { x: 1.0, y: 2.5, tag: None }).unwrap();
//!     ctx.globals().set("p", v).unwrap();
//!     let back: Point = quickjs::serde::from_value(&ctx.eval("({ ...p, x: p.x + 1 })").unwrap()).unwrap();
//!     assert_eq!(back, Point { x: 2.0, y: 2.5, tag: None });
//! });
//! ```
//!
//! The mapping is serde_json's: structs and maps are objects, sequences and
//! tuples arrays, `None`/`()` `null`, enums externally tagged
//! (`"Unit"`, `{ "Variant": value }`); bytes are a `Uint8Array`. From JS,
//! `undefined` also reads as `None`/`()`, typed arrays as bytes, a `Map` as
//! a map (its keys of any type: `new Map([[1, 'a']])` into
//! `HashMap<u32, String>`) and a `Set` as a sequence, both read through the
//! realm's own built-ins.
//!
//! Speed (see `engine::objects::build`): a struct's object is made in one call, shaped
//! like a per-context template of its type; field names are atoms made once
//! per context; short strings (enum tags, type names: at most 24 bytes) are
//! made once per context and shared.

use super::binary::Bytes;
use crate::engine::convert::limits::Nested;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{FromJs, IntoJs};
use crate::engine::handle::value::Value;
use crate::engine::objects::build::{short_string, Record, ValueList};
use crate::engine::objects::object::Object;
use crate::engine::objects::realm::{inherits, Intrinsic};
use quickjs_sys as sys;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize};

/// Elements or fields reserved up front at most (a `Serialize` impl may
/// announce any length; the rest grow as they come).
const MAX_PREALLOC: usize = 4096;

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::type_error(msg.to_string())
    }
}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::type_error(msg.to_string())
    }
}

/// Serializes `value` into a new JS value of `ctx`.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     let v = quickjs::serde::to_value(ctx, &vec![("a", 1)]).unwrap();
///     ctx.globals().set("v", v).unwrap();
///     assert_eq!(ctx.eval::<String>("JSON.stringify(v)").unwrap(), r#"[["a",1]]"#);
/// });
/// ```
pub fn to_value<'js, T: Serialize + ?Sized>(ctx: Ctx<'js>, value: &T) -> Result<Value<'js>> {
    value.serialize(Serializer { ctx })
}

/// Deserializes a `T` from a JS value.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use std::collections::BTreeMap;
/// ctx.with(|ctx| {
///     let v: quickjs::Value = ctx.eval("({ a: [1, 2], b: [] })").unwrap();
///     let m: BTreeMap<String, Vec<u8>> = quickjs::serde::from_value(&v).unwrap();
///     assert_eq!(m["a"], [1, 2]);
/// });
/// ```
pub fn from_value<'js, T: de::DeserializeOwned>(value: &Value<'js>) -> Result<T> {
    T::deserialize(Deserializer {
        value: value.clone(),
    })
}

/// Builds JS values from Rust data.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use serde::Serialize;
/// ctx.with(|ctx| {
///     let v = Some(3u8).serialize(quickjs::serde::Serializer::new(ctx)).unwrap();
///     assert_eq!(v.type_name(), "number");
/// });
/// ```
pub struct Serializer<'js> {
    ctx: Ctx<'js>,
}

impl<'js> Serializer<'js> {
    /// A serializer making values in `ctx`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| { let _s = quickjs::serde::Serializer::new(ctx); });
    /// ```
    pub fn new(ctx: Ctx<'js>) -> Self {
        Serializer { ctx }
    }
}

/// `{ variant: value }`, an externally tagged enum value.
fn tagged<'js>(ctx: Ctx<'js>, variant: &'static str, value: Value<'js>) -> Result<Value<'js>> {
    let mut rec = Record::new(ctx, Some(variant), 1);
    rec.field(variant, value)?;
    rec.finish()
}

/// `value`, tagged with its enum variant if it is one's content.
fn tagged_if<'js>(
    ctx: Ctx<'js>,
    variant: Option<&'static str>,
    value: Value<'js>,
) -> Result<Value<'js>> {
    match variant {
        Some(v) => tagged(ctx, v, value),
        None => Ok(value),
    }
}

impl<'js> ser::Serializer for Serializer<'js> {
    type Ok = Value<'js>;
    type Error = Error;
    type SerializeSeq = SeqBuilder<'js>;
    type SerializeTuple = SeqBuilder<'js>;
    type SerializeTupleStruct = SeqBuilder<'js>;
    type SerializeTupleVariant = SeqBuilder<'js>;
    type SerializeMap = MapBuilder<'js>;
    type SerializeStruct = MapBuilder<'js>;
    type SerializeStructVariant = MapBuilder<'js>;

    fn serialize_bool(self, v: bool) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_i8(self, v: i8) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_i16(self, v: i16) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_i32(self, v: i32) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_i64(self, v: i64) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_u8(self, v: u8) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_u16(self, v: u16) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_u32(self, v: u32) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_u64(self, v: u64) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_f32(self, v: f32) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_f64(self, v: f64) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_char(self, v: char) -> Result<Value<'js>> {
        v.into_js(self.ctx)
    }
    fn serialize_str(self, v: &str) -> Result<Value<'js>> {
        short_string(self.ctx, v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value<'js>> {
        Bytes(v.to_vec()).into_js(self.ctx)
    }
    fn serialize_none(self) -> Result<Value<'js>> {
        // SAFETY: null owns nothing.
        Ok(unsafe { Value::from_raw(self.ctx, sys::JS_NULL) })
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value<'js>> {
        let _level = Nested::enter_rust()?; // recursive types nest through Option
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value<'js>> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value<'js>> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value<'js>> {
        short_string(self.ctx, variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value<'js>> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value<'js>> {
        let _level = Nested::enter_rust()?; // and through enum variants
        let inner = value.serialize(Serializer { ctx: self.ctx })?;
        tagged(self.ctx, variant, inner)
    }
    #[inline(always)]
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'js>> {
        Ok(SeqBuilder {
            items: ValueList::with_capacity(self.ctx, len.unwrap_or(0).min(MAX_PREALLOC)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'js>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder<'js>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder<'js>> {
        Ok(SeqBuilder {
            items: ValueList::with_capacity(self.ctx, len.min(MAX_PREALLOC)),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder<'js>> {
        Ok(MapBuilder {
            record: Record::new(self.ctx, None, len.unwrap_or(0).min(MAX_PREALLOC)),
            key: None,
            variant: None,
        })
    }
    #[inline(always)]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<MapBuilder<'js>> {
        Ok(MapBuilder {
            record: Record::new(self.ctx, Some(name), len.min(MAX_PREALLOC)),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapBuilder<'js>> {
        Ok(MapBuilder {
            record: Record::new(self.ctx, Some(variant), len.min(MAX_PREALLOC)),
            key: None,
            variant: Some(variant),
        })
    }
}

/// Collects sequence elements, then makes the array in one call.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// ctx.with(|ctx| {
///     // Sequences build through SeqBuilder into one array.
///     let v = quickjs::serde::to_value(ctx, &[1, 2, 3]).unwrap();
///     assert_eq!(v.type_name(), "array");
/// });
/// ```
pub struct SeqBuilder<'js> {
    items: ValueList<'js>,
    variant: Option<&'static str>,
}

impl<'js> SeqBuilder<'js> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let _level = Nested::enter_rust()?;
        self.items.push(value.serialize(Serializer {
            ctx: self.items.ctx(),
        })?);
        Ok(())
    }
    #[inline(always)]
    fn finish(self) -> Result<Value<'js>> {
        let ctx = self.items.ctx();
        let arr = self.items.into_array()?;
        tagged_if(ctx, self.variant, arr)
    }
}

macro_rules! seq_impls {
    ($($tr:ident :: $m:ident),*) => {$(
        impl<'js> ser::$tr for SeqBuilder<'js> {
            type Ok = Value<'js>;
            type Error = Error;
            fn $m<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }
            #[inline(always)]
            fn end(self) -> Result<Value<'js>> {
                self.finish()
            }
        }
    )*};
}
seq_impls!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Fills an object property by property.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use std::collections::HashMap;
/// ctx.with(|ctx| {
///     // Maps and structs build through MapBuilder into one object.
///     let v = quickjs::serde::to_value(ctx, &HashMap::from([("k", true)])).unwrap();
///     assert_eq!(v.type_name(), "object");
/// });
/// ```
pub struct MapBuilder<'js> {
    record: Record<'js>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl<'js> MapBuilder<'js> {
    fn value<T: Serialize + ?Sized>(&self, value: &T) -> Result<Value<'js>> {
        let _level = Nested::enter_rust()?;
        value.serialize(Serializer {
            ctx: self.record.ctx(),
        })
    }
    /// A struct field: its name's atom and the object's shape are cached.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let v = self.value(value)?;
        self.record.field(key, v)
    }
    #[inline(always)]
    fn finish(self) -> Result<Value<'js>> {
        let ctx = self.record.ctx();
        let obj = self.record.finish()?;
        tagged_if(ctx, self.variant, obj)
    }
}

impl<'js> ser::SerializeMap for MapBuilder<'js> {
    type Ok = Value<'js>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error::type_error("map value without a key"))?;
        let v = self.value(value)?;
        self.record.key(&key, v)
    }
    #[inline(always)]
    fn end(self) -> Result<Value<'js>> {
        self.finish()
    }
}

impl<'js> ser::SerializeStruct for MapBuilder<'js> {
    type Ok = Value<'js>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    #[inline(always)]
    fn end(self) -> Result<Value<'js>> {
        self.finish()
    }
}

impl<'js> ser::SerializeStructVariant for MapBuilder<'js> {
    type Ok = Value<'js>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    #[inline(always)]
    fn end(self) -> Result<Value<'js>> {
        self.finish()
    }
}

/// Key methods that name the property by the value's `to_string()`.
macro_rules! key_to_string {
    ($($m:ident: $t:ty),*) => {$(
        fn $m(self, v: $t) -> Result<String> {
            Ok(v.to_string())
        }
    )*};
}

/// Map keys become property names: strings, chars, integers, bools.
struct KeySerializer;

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_owned())
    }
    key_to_string!(serialize_char: char, serialize_bool: bool, serialize_i8: i8, serialize_i16: i16,
        serialize_i32: i32, serialize_i64: i64, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64);
    fn serialize_f32(self, _v: f32) -> Result<String> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String> {
        Err(key_error())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}

fn key_error() -> Error {
    Error::type_error("a map key must be a string, an integer, a char or a bool")
}

/// Reads Rust data out of a JS value.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use serde::Deserialize;
/// ctx.with(|ctx| {
///     let v: quickjs::Value = ctx.eval("[true, 'x']").unwrap();
///     let t = <(bool, String)>::deserialize(quickjs::serde::Deserializer::new(v)).unwrap();
///     assert_eq!(t, (true, "x".to_string()));
/// });
/// ```
pub struct Deserializer<'js> {
    value: Value<'js>,
}

impl<'js> Deserializer<'js> {
    /// A deserializer reading `value`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| { let _d = quickjs::serde::Deserializer::new(quickjs::Value::undefined(ctx)); });
    /// ```
    pub fn new(value: Value<'js>) -> Self {
        Deserializer { value }
    }
}

impl<'de, 'js> de::Deserializer<'de> for Deserializer<'js> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = &self.value;
        match v.tag() {
            sys::JS_TAG_INT => visitor.visit_i32(sys::JS_VALUE_GET_INT(v.as_raw())),
            // The engine keeps many exact integers as doubles (JSON.parse,
            // Date.now(), arithmetic): those read as integers, so integer
            // fields take them (and float fields still do).
            sys::JS_TAG_FLOAT64 => match sys::JS_VALUE_GET_FLOAT64(v.as_raw()) {
                f if f.fract() == 0.0 && (0.0..18446744073709551616.0).contains(&f) => {
                    visitor.visit_u64(f as u64)
                }
                f if f.fract() == 0.0 && (-9223372036854775808.0..0.0).contains(&f) => {
                    visitor.visit_i64(f as i64)
                }
                f => visitor.visit_f64(f),
            },
            sys::JS_TAG_BOOL => visitor.visit_bool(sys::JS_VALUE_GET_BOOL(v.as_raw())),
            sys::JS_TAG_NULL | sys::JS_TAG_UNDEFINED => visitor.visit_unit(),
            sys::JS_TAG_STRING | sys::JS_TAG_STRING_ROPE => {
                visitor.visit_string(String::from_js(v)?)
            }
            sys::JS_TAG_BIG_INT | sys::JS_TAG_SHORT_BIG_INT => {
                let crate::engine::objects::types::BigInt(n) =
                    crate::engine::objects::types::BigInt::from_js(v)?;
                match i64::try_from(n) {
                    Ok(i) => visitor.visit_i64(i),
                    Err(_) => visitor.visit_u64(n as u64),
                }
            }
            // A Map's entries (keys of any type) and a Set's items, read
            // through the realm's own built-ins (each takes its nesting
            // level).
            sys::JS_TAG_OBJECT if inherits(v, Intrinsic::MapPrototype)? => {
                let entries = crate::engine::objects::collections::entries::<Value, Value>(v)?;
                visitor.visit_map(Entries {
                    entries: entries.into_iter(),
                    pending: None,
                })
            }
            sys::JS_TAG_OBJECT if inherits(v, Intrinsic::SetPrototype)? => {
                let items = crate::engine::objects::collections::items::<Value>(v)?;
                visitor.visit_seq(Seq {
                    items: items.into_iter(),
                })
            }
            sys::JS_TAG_OBJECT => {
                let _level = Nested::enter(v)?;
                // SAFETY: v is live.
                if unsafe { sys::JS_IsArray(v.as_raw()) } {
                    let items = crate::engine::objects::object::array_items::<Value>(v)?;
                    visitor.visit_seq(Seq {
                        items: items.into_iter(),
                    })
                } else if super::binary::ArrayBuffer::is_binary(v) {
                    visitor.visit_byte_buf(Bytes::from_js(v)?.0)
                } else {
                    let obj = Object::from_js(v)?;
                    let keys = obj.keys()?;
                    visitor.visit_map(Map {
                        obj,
                        keys: keys.into_iter(),
                        pending: None,
                    })
                }
            }
            _ => Err(Error::type_error(format!(
                "cannot deserialize a {}",
                v.type_name()
            ))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value.tag() {
            sys::JS_TAG_NULL | sys::JS_TAG_UNDEFINED => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if sys::JS_IsString(self.value.as_raw()) {
            return visitor.visit_enum(String::from_js(&self.value)?.into_deserializer());
        }
        let obj = Object::from_js(&self.value).map_err(|_| {
            Error::type_error(format!(
                "expected an enum (string or single-key object), got {}",
                self.value.type_name()
            ))
        })?;
        let _level = Nested::enter(&self.value)?;
        let keys = obj.keys()?;
        let [variant] = keys.as_slice() else {
            return Err(Error::type_error(format!(
                "expected an object with one key for an enum, got {} keys",
                keys.len()
            )));
        };
        let value: Value = obj.get(variant.as_str())?;
        visitor.visit_enum(Enum {
            variant: variant.clone(),
            value,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Seq<'js> {
    items: std::vec::IntoIter<Value<'js>>,
}

impl<'de, 'js> SeqAccess<'de> for Seq<'js> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        self.items
            .next()
            .map(|value| seed.deserialize(Deserializer { value }))
            .transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'js> {
    obj: Object<'js>,
    keys: std::vec::IntoIter<String>,
    pending: Option<String>,
}

impl<'de, 'js> MapAccess<'de> for Map<'js> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(key) = self.keys.next() else {
            return Ok(None);
        };
        crate::engine::convert::limits::poll(self.obj.ctx())?;
        let k = seed.deserialize(KeyDeserializer(&key)).map(Some);
        self.pending = Some(key);
        k
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let key = self
            .pending
            .take()
            .ok_or_else(|| Error::type_error("map value without a key"))?;
        let value: Value = self.obj.get(key.as_str())?;
        seed.deserialize(Deserializer { value })
            .map_err(|e| e.prefixed(format_args!("property {key:?}")))
    }
}

/// A JS `Map`'s entries: keys are values (not property names), so they
/// deserialize as what they are.
struct Entries<'js> {
    entries: std::vec::IntoIter<(Value<'js>, Value<'js>)>,
    pending: Option<Value<'js>>,
}

impl<'de, 'js> MapAccess<'de> for Entries<'js> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some(value);
        seed.deserialize(Deserializer { value: key })
            .map(Some)
            .map_err(|e| e.prefixed(format_args!("Map key")))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = self
            .pending
            .take()
            .ok_or_else(|| Error::type_error("map value without a key"))?;
        seed.deserialize(Deserializer { value })
            .map_err(|e| e.prefixed(format_args!("Map value")))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Enum<'js> {
    variant: String,
    value: Value<'js>,
}

impl<'de, 'js> de::EnumAccess<'de> for Enum<'js> {
    type Error = Error;
    type Variant = Deserializer<'js>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Deserializer<'js>)> {
        let v = seed.deserialize(self.variant.as_str().into_deserializer())?;
        Ok((v, Deserializer { value: self.value }))
    }
}

impl<'de, 'js> de::VariantAccess<'de> for Deserializer<'js> {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// A map key, which JS keeps as a string: integer and float key types
/// parse it (`HashMap<u32, _>` round-trips), others read the string.
struct KeyDeserializer<'a>(&'a str);

macro_rules! parse_key {
    ($($m:ident => $visit:ident as $t:ty),*) => {$(
        fn $m<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            match self.0.parse::<$t>() {
                Ok(n) => visitor.$visit(n),
                Err(_) => Err(Error::type_error(format!(
                    concat!("expected a key that reads as ", stringify!($t), ", got {:?}"),
                    self.0
                ))),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_str(self.0)
    }

    parse_key!(deserialize_i8 => visit_i8 as i8, deserialize_i16 => visit_i16 as i16,
        deserialize_i32 => visit_i32 as i32, deserialize_i64 => visit_i64 as i64,
        deserialize_i128 => visit_i128 as i128, deserialize_u8 => visit_u8 as u8,
        deserialize_u16 => visit_u16 as u16, deserialize_u32 => visit_u32 as u32,
        deserialize_u64 => visit_u64 as u64, deserialize_u128 => visit_u128 as u128,
        deserialize_f32 => visit_f32 as f32, deserialize_f64 => visit_f64 as f64,
        deserialize_bool => visit_bool as bool);

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}
