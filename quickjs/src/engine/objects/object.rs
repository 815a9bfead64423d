//! Objects and functions: property access and calls, both directions.

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::traits::{js_type, FromJs, IntoJs};
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::os::raw::c_int;

/// A JS object (anything `typeof` calls "object" or "function", but null).
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Object;
/// ctx.with(|ctx| {
///     let o: Object = ctx.eval("({ a: 1 })").unwrap();
///     o.set("b", [2, 3].to_vec()).unwrap();
///     assert_eq!(o.keys().unwrap(), ["a", "b"]);
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Object<'js>(pub(crate) Value<'js>);

/// A property key: a string or an array index.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Object;
/// ctx.with(|ctx| {
///     let o = Object::new(ctx).unwrap();
///     o.set("name", 1).unwrap(); // &str key
///     o.set(0u32, 2).unwrap();    // index key
///     assert_eq!(o.keys().unwrap(), ["0", "name"]);
/// });
/// ```
pub trait PropertyKey {
    /// The key as an atom of `ctx` (freed by the caller).
    #[doc(hidden)]
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom>;
}

impl PropertyKey for &str {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        let c = ctx.as_raw();
        // SAFETY: ctx live; the engine copies len bytes; the string is freed.
        let atom = unsafe {
            if self.is_ascii() {
                sys::JS_NewAtomLen(c, self.as_ptr().cast(), self.len())
            } else {
                // JS_NewAtomLen looks non-ASCII UTF-8 up as Latin-1 first
                // (an upstream bug: "é" would find "Ã©"), so go through a
                // decoded string.
                let s = sys::JS_NewStringLen(c, self.as_ptr().cast(), self.len());
                if sys::JS_IsException(s) {
                    return Err(ctx.catch());
                }
                let atom = sys::JS_ValueToAtom(c, s);
                sys::JS_FreeValue(c, s);
                atom
            }
        };
        if atom == sys::JS_ATOM_NULL {
            return Err(ctx.catch());
        }
        Ok(atom)
    }
}

impl PropertyKey for String {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        self.as_str().to_atom(ctx)
    }
}

impl PropertyKey for u32 {
    fn to_atom(&self, ctx: Ctx<'_>) -> Result<sys::JSAtom> {
        // SAFETY: ctx live.
        let atom = unsafe { sys::JS_NewAtomUInt32(ctx.as_raw(), *self) };
        if atom == sys::JS_ATOM_NULL {
            return Err(ctx.catch());
        }
        Ok(atom)
    }
}

/// Runs `f` with `key` as an atom, freed afterwards.
pub(crate) fn with_atom<'js, K: PropertyKey, R>(
    ctx: Ctx<'js>,
    key: K,
    f: impl FnOnce(sys::JSAtom) -> R,
) -> Result<R> {
    let atom = key.to_atom(ctx)?;
    let r = f(atom);
    // SAFETY: we own the atom.
    unsafe { sys::JS_FreeAtom(ctx.as_raw(), atom) };
    Ok(r)
}

impl<'js> Object<'js> {
    pub(crate) fn from_value(v: Value<'js>) -> Self {
        Object(v)
    }

    /// A new empty object.
    ///
    /// ```
    /// # let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
    /// ctx.with(|ctx| {
    ///     let o = quickjs::Object::new(ctx).unwrap();
    ///     o.set("answer", 42).unwrap();
    ///     assert_eq!(o.get::<_, i32>("answer").unwrap(), 42);
    /// });
    /// ```
    pub fn new(ctx: Ctx<'js>) -> Result<Self> {
        // SAFETY: ctx live.
        ctx.check(unsafe { sys::JS_NewObject(ctx.as_raw()) })
            .map(Object)
    }

    /// The context.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o = Object::new(ctx).unwrap();
    ///     assert_eq!(o.ctx().eval::<i32>("1").unwrap(), 1);
    /// });
    /// ```
    pub fn ctx(&self) -> Ctx<'js> {
        self.0.ctx()
    }

    /// `obj[key]`, converted (getters run; a throwing getter is an error).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("({ n: 5, s: 'x' })").unwrap();
    ///     assert_eq!(o.get::<_, i32>("n").unwrap(), 5);
    ///     assert!(o.get::<_, i32>("s").is_err());
    /// });
    /// ```
    pub fn get<K: PropertyKey, V: FromJs<'js>>(&self, key: K) -> Result<V> {
        let ctx = self.ctx();
        // SAFETY: object and atom live.
        let raw = with_atom(ctx, key, |atom| unsafe {
            sys::JS_GetProperty(ctx.as_raw(), self.0.as_raw(), atom)
        })?;
        V::from_js(&ctx.check(raw)?)
    }

    /// `obj[key] = value` (setters run).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o = Object::new(ctx).unwrap();
    ///     o.set("list", vec!["a", "b"]).unwrap();
    ///     assert_eq!(o.get::<_, Vec<String>>("list").unwrap(), ["a", "b"]);
    /// });
    /// ```
    pub fn set<K: PropertyKey, V: IntoJs<'js>>(&self, key: K, value: V) -> Result<()> {
        let ctx = self.ctx();
        let value = value.into_js(ctx)?;
        // SAFETY: object and atom live; SetProperty takes ownership of the value.
        let r = with_atom(ctx, key, |atom| unsafe {
            sys::JS_SetProperty(ctx.as_raw(), self.0.as_raw(), atom, value.into_raw())
        })?;
        if r < 0 {
            return Err(ctx.catch());
        }
        Ok(())
    }

    /// `key in obj`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("({ a: undefined })").unwrap();
    ///     assert!(o.contains_key("a").unwrap());
    ///     assert!(o.contains_key("toString").unwrap()); // inherited
    /// });
    /// ```
    pub fn contains_key<K: PropertyKey>(&self, key: K) -> Result<bool> {
        let ctx = self.ctx();
        // SAFETY: object and atom live.
        let r = with_atom(ctx, key, |atom| unsafe {
            sys::JS_HasProperty(ctx.as_raw(), self.0.as_raw(), atom)
        })?;
        if r < 0 {
            return Err(ctx.catch());
        }
        Ok(r > 0)
    }

    /// `delete obj[key]`; whether the property is gone.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("({ a: 1 })").unwrap();
    ///     assert!(o.remove("a").unwrap());
    ///     assert!(!o.contains_key("a").unwrap());
    /// });
    /// ```
    pub fn remove<K: PropertyKey>(&self, key: K) -> Result<bool> {
        let ctx = self.ctx();
        // SAFETY: object and atom live.
        let r = with_atom(ctx, key, |atom| unsafe {
            sys::JS_DeleteProperty(ctx.as_raw(), self.0.as_raw(), atom, 0)
        })?;
        if r < 0 {
            return Err(ctx.catch());
        }
        Ok(r > 0)
    }

    /// The object's own enumerable string keys, in property order
    /// (`Object.keys`).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("({ z: 1, a: 2 })").unwrap();
    ///     assert_eq!(o.keys().unwrap(), ["z", "a"]);
    /// });
    /// ```
    pub fn keys(&self) -> Result<Vec<String>> {
        let flags = sys::JS_GPN_STRING_MASK | sys::JS_GPN_ENUM_ONLY;
        self.own_atoms(flags, |ctx, atom| {
            // SAFETY: a live atom; the string is a new value we own.
            let name = ctx.check(unsafe { sys::JS_AtomToString(ctx.as_raw(), atom) })?;
            String::from_js(&name)
        })
    }

    /// The own keys selected by `flags` (`JS_GPN_*`), each made into a
    /// `T` by `each`: the count checked against the memory limit before
    /// the allocation, the interrupt handler polled for each key.
    pub(crate) fn own_atoms<T>(
        &self,
        flags: u32,
        mut each: impl FnMut(Ctx<'js>, sys::JSAtom) -> Result<T>,
    ) -> Result<Vec<T>> {
        let ctx = self.ctx();
        let c = ctx.as_raw();
        let mut tab: *mut sys::JSPropertyEnum = std::ptr::null_mut();
        let mut len = 0u32;
        // SAFETY: the object is live; on success tab holds len atoms we own.
        if unsafe {
            sys::JS_GetOwnPropertyNames(c, &mut tab, &mut len, self.0.as_raw(), flags as c_int)
        } < 0
        {
            return Err(ctx.catch());
        }
        // SAFETY: tab..tab+len was filled by the engine (or tab is null and len 0).
        let atoms = unsafe {
            std::slice::from_raw_parts(tab, if tab.is_null() { 0 } else { len as usize })
        };
        let items = (|| {
            let mut items = crate::engine::convert::limits::vec_for::<T>(ctx, atoms.len())?;
            for p in atoms {
                crate::engine::convert::limits::poll(ctx)?;
                items.push(each(ctx, p.atom)?);
            }
            Ok(items)
        })();
        // SAFETY: we own every atom and the table (js_free is the engine's
        // allocator, which made it).
        unsafe {
            for p in atoms {
                sys::JS_FreeAtom(c, p.atom);
            }
            sys::js_free(c, tab.cast());
        }
        items
    }

    /// The own enumerable string-keyed properties, converted
    /// (`Object.entries`).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o: Object = ctx.eval("({ x: 1, y: 2 })").unwrap();
    ///     assert_eq!(o.entries::<i32>().unwrap(), [("x".to_string(), 1), ("y".to_string(), 2)]);
    /// });
    /// ```
    pub fn entries<V: FromJs<'js>>(&self) -> Result<Vec<(String, V)>> {
        self.keys()?
            .into_iter()
            .map(|k| Ok((k.clone(), self.get(k.as_str())?)))
            .collect()
    }

    /// The object as a plain value.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let v = Object::new(ctx).unwrap().into_value();
    ///     assert_eq!(v.type_name(), "object");
    /// });
    /// ```
    pub fn into_value(self) -> Value<'js> {
        self.0
    }

    /// The object as a plain value, borrowed.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Object;
    /// ctx.with(|ctx| {
    ///     let o = Object::new(ctx).unwrap();
    ///     assert_eq!(o.as_value().type_name(), "object");
    /// });
    /// ```
    pub fn as_value(&self) -> &Value<'js> {
        &self.0
    }
}

/// A JS function.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Function;
/// ctx.with(|ctx| {
///     let max: Function = ctx.eval("Math.max").unwrap();
///     assert_eq!(max.call::<_, i32>((3, 9, 4)).unwrap(), 9);
/// });
/// ```
#[derive(Clone, Debug)]
pub struct Function<'js>(pub(crate) Object<'js>);

/// Arguments of a call from Rust into JS: `()`, or a tuple of [`IntoJs`]
/// values.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Function;
/// ctx.with(|ctx| {
///     let join: Function = ctx.eval("(...xs) => xs.join('+')").unwrap();
///     assert_eq!(join.call::<_, String>(vec![1, 2, 3]).unwrap(), "1+2+3");
///     assert_eq!(join.call::<_, String>(()).unwrap(), "");
/// });
/// ```
pub trait IntoArgs<'js> {
    /// Converts the arguments.
    fn into_args(self, ctx: Ctx<'js>) -> Result<Vec<Value<'js>>>;
}

macro_rules! tuple_args {
    ($($t:ident),*) => {
        impl<'js, $($t: IntoJs<'js>),*> IntoArgs<'js> for ($($t,)*) {
            #[allow(non_snake_case, unused_variables)]
            fn into_args(self, ctx: Ctx<'js>) -> Result<Vec<Value<'js>>> {
                let ($($t,)*) = self;
                Ok(vec![$($t.into_js(ctx)?),*])
            }
        }
    };
}
tuple_args!();
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F);
tuple_args!(A, B, C, D, E, F, G);
tuple_args!(A, B, C, D, E, F, G, H);

impl<'js, T: IntoJs<'js>> IntoArgs<'js> for Vec<T> {
    fn into_args(self, ctx: Ctx<'js>) -> Result<Vec<Value<'js>>> {
        self.into_iter().map(|v| v.into_js(ctx)).collect()
    }
}

impl<'js> Function<'js> {
    /// Calls the function with `this` = `undefined`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Function;
    /// ctx.with(|ctx| {
    ///     let f: Function = ctx.eval("(a, b) => a * b").unwrap();
    ///     assert_eq!(f.call::<_, f64>((6, 7)).unwrap(), 42.0);
    /// });
    /// ```
    pub fn call<A: IntoArgs<'js>, R: FromJs<'js>>(&self, args: A) -> Result<R> {
        self.call_with_this(Value::undefined(self.0.ctx()), args)
    }

    /// Calls the function with the given `this`.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Function, Value};
    /// ctx.with(|ctx| {
    ///     let f: Function = ctx.eval("(function () { return this.n })").unwrap();
    ///     let this: Value = ctx.eval("({ n: 3 })").unwrap();
    ///     assert_eq!(f.call_with_this::<_, i32>(this, ()).unwrap(), 3);
    /// });
    /// ```
    pub fn call_with_this<A: IntoArgs<'js>, R: FromJs<'js>>(
        &self,
        this: Value<'js>,
        args: A,
    ) -> Result<R> {
        let ctx = self.0.ctx();
        let args = args.into_args(ctx)?;
        let mut raw_args: Vec<sys::JSValue> = args.iter().map(Value::as_raw).collect();
        // SAFETY: function, this and args are live values of ctx; JS_Call does
        // not take ownership of them.
        let raw = unsafe {
            sys::JS_Call(
                ctx.as_raw(),
                self.0.as_value().as_raw(),
                this.as_raw(),
                raw_args.len() as c_int,
                raw_args.as_mut_ptr(),
            )
        };
        R::from_js(&ctx.check(raw)?)
    }

    /// The function as an object.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::Function;
    /// ctx.with(|ctx| {
    ///     let f: Function = ctx.eval("function named() {}; named").unwrap();
    ///     assert_eq!(f.into_object().get::<_, String>("name").unwrap(), "named");
    /// });
    /// ```
    pub fn into_object(self) -> Object<'js> {
        self.0
    }
}

/// A function is an object: its properties (`name`, `length`, static
/// members) are read and written through [`Object`]'s methods.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::Function;
/// ctx.with(|ctx| {
///     let f: Function = ctx.eval("(a, b) => a + b").unwrap();
///     assert_eq!(f.get::<_, u32>("length").unwrap(), 2);
/// });
/// ```
impl<'js> std::ops::Deref for Function<'js> {
    type Target = Object<'js>;
    fn deref(&self) -> &Object<'js> {
        &self.0
    }
}

/// `Vec<T>` from a JS array (or any array-like: `length` and indices).
impl<'js, T: FromJs<'js>> FromJs<'js> for Vec<T> {
    fn from_js(value: &Value<'js>) -> Result<Self> {
        let _level = crate::engine::convert::limits::Nested::enter(value)?;
        array_items(value)
    }
}

/// The elements of an array-like, converted (the caller holds the nesting
/// level): its `length` checked against the memory limit before the
/// allocation, the interrupt handler polled for each element.
pub(crate) fn array_items<'js, T: FromJs<'js>>(value: &Value<'js>) -> Result<Vec<T>> {
    let obj = Object::from_js(value)
        .map_err(|_| Error::type_error(format!("expected array, got {}", value.type_name())))?;
    let ctx = value.ctx();
    let mut len = 0i64;
    // SAFETY: obj live.
    if unsafe { sys::JS_GetLength(ctx.as_raw(), value.as_raw(), &mut len) } < 0 {
        return Err(ctx.catch());
    }
    let len = u32::try_from(len)
        .map_err(|_| Error::range_error(format!("array length {len} is too large")))?;
    let mut items = crate::engine::convert::limits::vec_for::<T>(ctx, len as usize)?;
    for i in 0..len {
        crate::engine::convert::limits::poll(ctx)?;
        items.push(
            obj.get(i)
                .map_err(|e| e.prefixed(format_args!("element {i}")))?,
        );
    }
    Ok(items)
}

/// A JS array.
impl<'js, T: IntoJs<'js>> IntoJs<'js> for Vec<T> {
    fn into_js(self, ctx: Ctx<'js>) -> Result<Value<'js>> {
        let _level = crate::engine::convert::limits::Nested::enter_rust()?;
        // SAFETY: ctx live.
        let array = Object(ctx.check(unsafe { sys::JS_NewArray(ctx.as_raw()) })?);
        for (i, v) in self.into_iter().enumerate() {
            array.set(i as u32, v)?;
        }
        Ok(array.into_value())
    }
}

js_type!(
    Object,
    "object",
    |v| v.tag() == sys::JS_TAG_OBJECT,
    Object,
    |o: Object<'js>| o.0
);
// SAFETY (the predicate): v is a live value of a live context.
js_type!(
    Function,
    "function",
    |v| v.tag() == sys::JS_TAG_OBJECT
        // SAFETY: v is a live value of a live context.
        && unsafe { sys::JS_IsFunction(v.ctx().as_raw(), v.as_raw()) },
    |v| Function(Object(v)),
    |f: Function<'js>| f.0 .0
);

/// The context's operations on objects.
impl<'js> Ctx<'js> {
    /// The global object.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// ctx.with(|ctx| {
    ///     ctx.globals().set("answer", 42).unwrap();
    ///     assert_eq!(ctx.eval::<i32>("answer").unwrap(), 42);
    /// });
    /// ```
    pub fn globals(self) -> Object<'js> {
        // SAFETY: ctx is live; we own the returned reference.
        Object::from_value(unsafe { Value::from_raw(self, sys::JS_GetGlobalObject(self.as_raw())) })
    }
}
