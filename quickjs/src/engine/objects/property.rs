//! The fuller object API: property keys (strings, indices, symbols),
//! property definitions with flags and accessors ([`Property`]), own keys
//! with symbols ([`Key`], [`Object::own_keys`]), prototypes, and the type
//! tests and `instanceof` of [`Value`].
//!
//! Everything goes through the engine's C API, never through JS source or
//! a script-replaceable global: `Object.defineProperty` or
//! `Reflect.ownKeys` replaced by a script changes nothing here. Where the
//! JS operation itself runs user code (a Proxy's traps, a getter,
//! `Symbol.hasInstance`), so does the method, as in JS.

use super::object::{with_atom, Function, Object, PropertyKey};
use super::types::Symbol;
use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::FromJs;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::os::raw::c_int;

/// A symbol as a property key.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Object, Symbol, WellKnownSymbol};
/// ctx.with(|ctx| {
///     let o = Object::new(ctx).unwrap();
///     let id = Symbol::new(ctx, "id").unwrap();
///     o.set(&id, 7).unwrap();
///     assert_eq!(o.get::<_, i32>(&id).unwrap(), 7);
///     assert!(o.keys().unwrap().is_empty()); // Object.keys skips symbols
///     let tag = Symbol::well_known(ctx, WellKnownSymbol::ToStringTag).unwrap();
///     o.set(tag, "Thing").unwrap();
///     ctx.globals().set("o", o).unwrap();
///     assert_eq!(ctx.eval::<String>("String(o)").unwrap(), "[object Thing]");
/// });
/// ```
impl PropertyKey for &Symbol<'_> {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        // SAFETY: the symbol is live; the atom is the caller's.
        let atom = unsafe { sys::JS_ValueToAtom(ctx.as_raw(), self.0.as_raw()) };
        if atom == sys::JS_ATOM_NULL {
            return Err(ctx.catch());
        }
        Ok(atom)
    }
}

impl PropertyKey for Symbol<'_> {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        (&self).to_atom(ctx)
    }
}

/// An own property key as [`Object::own_keys`] lists it: a string (array
/// indices too, as in JS) or a symbol. It is itself a key.
#[derive(Clone, Debug)]
pub enum Key<'js> {
    /// A string key (`"0"` for index 0).
    String(String),
    /// A symbol key.
    Symbol(Symbol<'js>),
}

impl PropertyKey for Key<'_> {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        match self {
            Key::String(s) => s.as_str().to_atom(ctx),
            Key::Symbol(s) => s.to_atom(ctx),
        }
    }
}

impl PropertyKey for &Key<'_> {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        (*self).to_atom(ctx)
    }
}

/// What [`Object::define_property`] defines: a data property (a value) or
/// an accessor (a getter and/or a setter), with its attributes. All
/// attributes start `false`, as with `Object.defineProperty`.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Function, IntoJs, Object, Property};
/// use quickjs::This;
/// ctx.with(|ctx| {
///     let o = Object::new(ctx).unwrap();
///     o.define_property("version", Property::value(3.into_js(ctx).unwrap()).enumerable()).unwrap();
///     let double = Function::new(ctx, "get double", |this: This<Object>| -> quickjs::Result<i32> {
///         Ok(this.0.get::<_, i32>("version")? * 2)
///     }).unwrap();
///     o.define_property("double", Property::getter(double)).unwrap();
///     ctx.globals().set("o", o).unwrap();
///     assert_eq!(ctx.eval::<String>("o.version = 4; `${o.version} ${o.double} ${Object.keys(o)}`").unwrap(), "3 6 version");
///     assert!(ctx.eval::<quickjs::Value>("'use strict'; o.version = 4").is_err());
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Property<'js> {
    kind: PropertyKind<'js>,
    flags: u32,
}

#[derive(Clone, Debug)]
enum PropertyKind<'js> {
    Value(Value<'js>),
    Accessor {
        get: Option<Function<'js>>,
        set: Option<Function<'js>>,
    },
}

impl<'js> Property<'js> {
    /// A data property holding `value` (read-only, hidden, fixed until the
    /// attributes below say otherwise).
    pub fn value(value: Value<'js>) -> Self {
        Property {
            kind: PropertyKind::Value(value),
            flags: 0,
        }
    }

    /// An accessor property with a getter (and no setter unless
    /// [`Property::with_setter`]).
    pub fn getter(get: Function<'js>) -> Self {
        Property {
            kind: PropertyKind::Accessor {
                get: Some(get),
                set: None,
            },
            flags: 0,
        }
    }

    /// An accessor property with a setter only (reading it gives
    /// `undefined`).
    pub fn setter(set: Function<'js>) -> Self {
        Property {
            kind: PropertyKind::Accessor {
                get: None,
                set: Some(set),
            },
            flags: 0,
        }
    }

    /// Adds a setter to an accessor property; on a data property, an error
    /// at [`Object::define_property`] (a property is one or the other).
    pub fn with_setter(mut self, set: Function<'js>) -> Self {
        match &mut self.kind {
            PropertyKind::Accessor { set: s, .. } => *s = Some(set),
            PropertyKind::Value(_) => self.flags |= INVALID,
        }
        self
    }

    /// Assignment may change the value (data properties only: on an
    /// accessor, an error at [`Object::define_property`]).
    pub fn writable(mut self) -> Self {
        self.flags |= match self.kind {
            PropertyKind::Value(_) => sys::JS_PROP_WRITABLE,
            PropertyKind::Accessor { .. } => INVALID,
        };
        self
    }

    /// Listed by `Object.keys`, `for...in` and spread.
    pub fn enumerable(mut self) -> Self {
        self.flags |= sys::JS_PROP_ENUMERABLE;
        self
    }

    /// May be deleted or redefined.
    pub fn configurable(mut self) -> Self {
        self.flags |= sys::JS_PROP_CONFIGURABLE;
        self
    }
}

/// A flag no engine flag uses: the builder was misused.
const INVALID: u32 = 1 << 31;

impl<'js> Object<'js> {
    /// Defines an own property, as `Object.defineProperty` does: a data
    /// property or an accessor, with its attributes ([`Property`]). Fails
    /// (a `TypeError`) where JS would throw: a non-configurable property
    /// redefined, a frozen or non-extensible object, a Proxy's trap saying
    /// no.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{IntoJs, Object, Property};
    /// ctx.with(|ctx| {
    ///     let frozen: Object = ctx.eval("Object.freeze({})").unwrap();
    ///     let e = frozen.define_property("x", Property::value(1.into_js(ctx).unwrap())).unwrap_err();
    ///     assert!(e.to_string().contains("TypeError"), "{e}");
    /// });
    /// ```
    pub fn define_property<K: PropertyKey>(&self, key: K, property: Property<'js>) -> Result<()> {
        if property.flags & INVALID != 0 {
            return Err(Error::type_error(
                "a property is a value (maybe writable) or an accessor, not both",
            ));
        }
        let ctx = self.ctx();
        let c = ctx.as_raw();
        let flags = (property.flags | sys::JS_PROP_THROW) as c_int;
        let undefined = || Value::undefined(ctx);
        // SAFETY: object and atom live; the value, getter and setter are
        // handed over (the engine frees them on every path).
        let r = with_atom(ctx, key, |atom| unsafe {
            match property.kind {
                PropertyKind::Value(v) => sys::JS_DefinePropertyValue(
                    c,
                    self.as_value().as_raw(),
                    atom,
                    v.into_raw(),
                    flags,
                ),
                PropertyKind::Accessor { get, set } => sys::JS_DefinePropertyGetSet(
                    c,
                    self.as_value().as_raw(),
                    atom,
                    get.map_or_else(undefined, |f| f.into_object().into_value())
                        .into_raw(),
                    set.map_or_else(undefined, |f| f.into_object().into_value())
                        .into_raw(),
                    flags,
                ),
            }
        })?;
        if r < 0 {
            return Err(ctx.catch());
        }
        Ok(())
    }

    /// The object's prototype (`Object.getPrototypeOf`); `None` for `null`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("Object.create(null)").unwrap();
    ///     assert!(o.get_prototype().unwrap().is_none());
    ///     let proto: Object = ctx.eval("({ greet() { return 'hi' } })").unwrap();
    ///     o.set_prototype(Some(&proto)).unwrap();
    ///     ctx.globals().set("o", o).unwrap();
    ///     assert_eq!(ctx.eval::<String>("o.greet()").unwrap(), "hi");
    /// });
    /// ```
    pub fn get_prototype(&self) -> Result<Option<Object<'js>>> {
        let ctx = self.ctx();
        // SAFETY: the object is live; the result is a new reference (both
        // engines), or the exception (a Proxy's trap threw).
        let proto =
            ctx.check(unsafe { sys::JS_GetPrototype(ctx.as_raw(), self.as_value().as_raw()) })?;
        Option::<Object>::from_js(&proto)
    }

    /// Sets the prototype (`Object.setPrototypeOf`); `None` makes it
    /// `null`. Fails where JS throws (a cycle, a non-extensible object).
    pub fn set_prototype(&self, proto: Option<&Object<'js>>) -> Result<()> {
        let ctx = self.ctx();
        let proto = proto.map_or(sys::JS_NULL, |p| p.as_value().as_raw());
        // SAFETY: both live; the engine dups what it keeps.
        if unsafe { sys::JS_SetPrototype(ctx.as_raw(), self.as_value().as_raw(), proto) } < 0 {
            return Err(ctx.catch());
        }
        Ok(())
    }

    /// Every own key, strings (non-enumerable ones too) then symbols, in
    /// property order: what `Reflect.ownKeys` lists.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Key, Object};
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("const o = { b: 1, [Symbol('s')]: 2, 0: 3 }; Object.defineProperty(o, 'hidden', { value: 4 }); o").unwrap();
    ///     let keys: Vec<String> = o.own_keys().unwrap().into_iter().map(|k| match k {
    ///         Key::String(s) => s,
    ///         Key::Symbol(s) => format!("@{}", s.description().unwrap().unwrap()),
    ///     }).collect();
    ///     assert_eq!(keys, ["0", "b", "hidden", "@s"]);
    /// });
    /// ```
    pub fn own_keys(&self) -> Result<Vec<Key<'js>>> {
        let flags = sys::JS_GPN_STRING_MASK | sys::JS_GPN_SYMBOL_MASK;
        self.own_atoms(flags, |ctx, atom| {
            // SAFETY: a live atom; the value (a string or a symbol) is ours.
            let v = ctx.check(unsafe { sys::JS_AtomToValue(ctx.as_raw(), atom) })?;
            if v.tag() == sys::JS_TAG_SYMBOL {
                Symbol::from_js(&v).map(Key::Symbol)
            } else {
                String::from_js(&v).map(Key::String)
            }
        })
    }
}
