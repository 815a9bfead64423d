//! The realm's built-ins that conversions call ([`Intrinsic`]: `Map`,
//! `Set`, their iteration, `Date`'s time value, `Promise.prototype.then`,
//! the well-known symbols), captured in the context's state when it is
//! made ([`context_state`]).
//!
//! Why captured: a script can replace `globalThis.Map`, `Symbol`, or
//! `Map.prototype.entries`; a conversion or a class set up later must still
//! reach the engine's own. The built-ins are read once, when the context's
//! Rust state is made: for a [`crate::Context`] before any script runs, for
//! a C host's context at `JS_AddRust`. (A context whose state is first made
//! after scripts ran gets what its globals hold then: its own choice, for
//! the methods; the prototypes come from the engine by class id,
//! `JS_GetClassProto`, whatever the globals hold.) The ids are learnt once
//! per process, from instances made in a context no script has run in:
//! no global lookups, no throwaway collections and iterators per context.
//!
//! Invariants: the built-ins are references the context's state owns (no
//! `Held` cell each: a context is made with some thirty of them), freed
//! with its held values (when its `Context` is dropped or the host frees
//! it) and left undefined; a conversion after that is an error, never a
//! dangling value.

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result};
use crate::engine::handle::state::ContextState;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::cell::Cell;
use std::ffi::CStr;
use std::sync::OnceLock;

/// The state of `ctx`, made on first use, with the realm's built-ins
/// captured then (the way every layer makes a context's state).
pub(crate) fn context_state<'a>(ctx: Ctx<'_>) -> Result<&'a ContextState> {
    ContextState::get_or_create(ctx, |state| {
        state.intrinsics.get_or_init(|| capture(ctx));
    })
}

/// A built-in of the realm that Rust code calls, compares or uses as a
/// key, in capture order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
pub(crate) enum Intrinsic {
    Map,
    MapPrototype,
    MapSet,
    MapEntries,
    MapIteratorNext,
    Set,
    SetPrototype,
    SetAdd,
    SetValues,
    SetIteratorNext,
    Date,
    DatePrototype,
    DateGetTime,
    PromiseThen,
    /// The `Symbol` constructor. Its well-known symbols are non-writable,
    /// non-configurable properties, so reading them from it when asked is
    /// reading them at capture (and saves a context thirteen reads).
    Symbol,
    /// Not captured: `Symbol.<WELL_KNOWN[offset]>`, read from the captured
    /// `Symbol`.
    WellKnown,
}

impl Intrinsic {
    /// What an error calls it.
    fn name(self) -> &'static str {
        match self {
            Intrinsic::Map => "Map",
            Intrinsic::MapPrototype => "Map.prototype",
            Intrinsic::MapSet => "Map.prototype.set",
            Intrinsic::MapEntries => "Map.prototype.entries",
            Intrinsic::MapIteratorNext => "the Map iterator",
            Intrinsic::Set => "Set",
            Intrinsic::SetPrototype => "Set.prototype",
            Intrinsic::SetAdd => "Set.prototype.add",
            Intrinsic::SetValues => "Set.prototype.values",
            Intrinsic::SetIteratorNext => "the Set iterator",
            Intrinsic::Date => "Date",
            Intrinsic::DatePrototype => "Date.prototype",
            Intrinsic::DateGetTime => "Date.prototype.getTime",
            Intrinsic::PromiseThen => "Promise.prototype.then",
            Intrinsic::Symbol => "Symbol",
            Intrinsic::WellKnown => "a well-known symbol",
        }
    }
}

/// The well-known symbols, by their key in `Symbol` (the order of
/// `engine::objects::types::WellKnownSymbol`).
pub(crate) const WELL_KNOWN: [&CStr; 13] = [
    c"asyncIterator",
    c"hasInstance",
    c"isConcatSpreadable",
    c"iterator",
    c"match",
    c"matchAll",
    c"replace",
    c"search",
    c"species",
    c"split",
    c"toPrimitive",
    c"toStringTag",
    c"unscopables",
];

/// The built-in `which` (for [`Intrinsic::WellKnown`], the `offset`th
/// well-known symbol; otherwise `offset` is 0).
pub(crate) fn intrinsic<'js>(ctx: Ctx<'js>, which: Intrinsic, offset: usize) -> Result<Value<'js>> {
    let found = match which {
        Intrinsic::WellKnown => well_known(ctx, offset),
        _ => captured(ctx, which as usize).map(|v| {
            // SAFETY: a live value of ctx's realm, owned by its state; the
            // copy made here is the caller's.
            unsafe { Value::from_raw(ctx, sys::JS_DupValue(ctx.as_raw(), v)) }
        }),
    };
    match found {
        Some(v) => Ok(v),
        None => Err(Error::type_error(format!(
            "{} is not available in this context",
            match which {
                Intrinsic::WellKnown => format!(
                    "Symbol.{}",
                    WELL_KNOWN
                        .get(offset)
                        .map_or("?".into(), |k| k.to_string_lossy())
                ),
                other => other.name().to_owned(),
            }
        ))),
    }
}

/// The `offset`th well-known symbol, read from the captured `Symbol`.
fn well_known<'js>(ctx: Ctx<'js>, offset: usize) -> Option<Value<'js>> {
    let key = WELL_KNOWN.get(offset)?;
    let symbol = captured(ctx, Intrinsic::Symbol as usize)?;
    // SAFETY: a live value of ctx's realm, owned by its state; this
    // reference keeps it for the read (whatever the read runs).
    let symbol = unsafe { Value::from_raw(ctx, sys::JS_DupValue(ctx.as_raw(), symbol)) };
    // SAFETY: symbol is a live value of ctx; the result is a new reference.
    let v =
        ctx.check(unsafe { sys::JS_GetPropertyStr(ctx.as_raw(), symbol.as_raw(), key.as_ptr()) });
    v.ok().filter(|v| sys::JS_IsSymbol(v.as_raw()))
}

/// Whether `proto` is on the prototype chain of `value` (an object), where
/// `proto` is the built-in prototype `which`; `false` if the context has
/// none. A Proxy's `getPrototypeOf` trap runs, as for `instanceof`.
pub(crate) fn inherits(value: &Value<'_>, which: Intrinsic) -> Result<bool> {
    let ctx = value.ctx();
    let Some(proto) = captured(ctx, which as usize) else {
        return Ok(false);
    };
    // A reference of our own: a trap below may run code that releases the
    // state's (and the comparison must stay with this object).
    // SAFETY: a live value of ctx's realm, owned by its state.
    let proto = unsafe { Value::from_raw(ctx, sys::JS_DupValue(ctx.as_raw(), proto)) };
    let mut current = value.clone();
    loop {
        crate::engine::convert::limits::poll(ctx)?;
        // SAFETY: current is live; the result is a new reference.
        let next = ctx.check(unsafe { sys::JS_GetPrototype(ctx.as_raw(), current.as_raw()) })?;
        if next.tag() != sys::JS_TAG_OBJECT {
            return Ok(false);
        }
        if sys::JS_VALUE_GET_PTR(next.as_raw()) == sys::JS_VALUE_GET_PTR(proto.as_raw()) {
            return Ok(true);
        }
        current = next;
    }
}

/// Whether the realm has promises (its `Promise` built-in was there when
/// its built-ins were captured). The engine cannot make a promise in a
/// realm without it: what the promise holds is never freed, so async Rust
/// refuses such a realm.
pub(crate) fn has_promises(ctx: Ctx<'_>) -> bool {
    captured(ctx, Intrinsic::PromiseThen as usize).is_some()
}

/// The captured value at `index` (a reference the context's state owns,
/// valid while it does), if any.
fn captured(ctx: Ctx<'_>, index: usize) -> Option<sys::JSValue> {
    let v = ContextState::of(ctx)?.intrinsics.get()?.get(index)?.get();
    (!sys::JS_IsUndefined(v)).then_some(v)
}

/// How many built-in classes a capture reads the prototype of, in this
/// order: Map, Set, the Map iterator, the Set iterator, Date, Promise.
const BUILTINS: usize = 6;

/// The class ids of the [`BUILTINS`] (engine constants, the same in every
/// runtime), learnt once per process; `None` once known unlearnable (an
/// engine without `JS_GetClassID`).
static CLASS_IDS: OnceLock<Option<[sys::JSClassID; BUILTINS]>> = OnceLock::new();

/// The class ids of the [`BUILTINS`], learnt the first time from instances made
/// in a context of the engine's own making in `ctx`'s runtime
/// (`JS_NewContext`: no script has run in it, so its globals are the
/// engine's; a realm whose scripts replaced `Map` must not teach every
/// other context of the process). `None` if they cannot be learnt (then,
/// or while no such context can be made, captures read their globals).
fn class_ids(ctx: Ctx<'_>) -> Option<[sys::JSClassID; BUILTINS]> {
    if let Some(known) = CLASS_IDS.get() {
        return *known;
    }
    // SAFETY: ctx's runtime, on its thread; the context made here has no
    // Rust state and is freed below, after every value of it. It is built
    // as `Context::new` builds its own (never out of memory half-way: see
    // `limits::build_context`).
    let fresh = unsafe {
        crate::engine::convert::limits::build_context(ctx.rt(), |rt| sys::JS_NewContext(rt))
    };
    if fresh.is_null() {
        return None; // no memory for it now: learn another time
    }
    let ids = {
        // SAFETY: a live context (freed after this block).
        let fresh = unsafe { Ctx::from_raw(fresh) };
        from_globals(fresh).map(|(_, instance)| {
            // SAFETY: a live value.
            instance.map_or(0, |i| unsafe { sys::class_id_of(i.as_raw()) })
        })
    };
    // SAFETY: made above; its values are gone. A context's objects are
    // cyclic: without a collection they would stay in the user's runtime
    // as garbage until its next one (about 56 KB, more than the context
    // the user asked for).
    unsafe {
        sys::JS_FreeContext(fresh);
        sys::JS_RunGC(ctx.rt());
    }
    // All 0: the engine cannot tell; some 0: made without one of them.
    match ids.iter().filter(|&&id| id == 0).count() {
        0 => *CLASS_IDS.get_or_init(|| Some(ids)),
        BUILTINS => *CLASS_IDS.get_or_init(|| None),
        _ => None,
    }
}

/// The prototype of each of the [`BUILTINS`] as `ctx`'s globals give it, with an
/// instance of it (a new, empty collection, iterator, date or resolved
/// promise).
fn from_globals(ctx: Ctx<'_>) -> [(Option<Value<'_>>, Option<Value<'_>>); BUILTINS] {
    let global = ctx.globals().into_value();
    let c = ctx.as_raw();
    // SAFETY (the calls below): live values of ctx; each result is a new
    // reference, owned by the Value `check` makes of it.
    let call = |f: Option<Value<'_>>, this: Option<&Value<'_>>| {
        // SAFETY: as above.
        ctx.check(unsafe { sys::JS_Call(c, f?.as_raw(), this?.as_raw(), 0, std::ptr::null_mut()) })
            .ok()
    };
    let proto_of = |v: Option<&Value<'_>>| {
        // SAFETY: as for `call`.
        ctx.check(unsafe { sys::JS_GetPrototype(c, v?.as_raw()) })
            .ok()
    };
    // `new <name>()` and its prototype.
    let class = |name: &CStr| {
        let ctor = get(ctx, Some(&global), name);
        let instance = ctor.as_ref().and_then(|ctor| {
            // SAFETY: as for `call`.
            ctx.check(unsafe { sys::JS_CallConstructor(c, ctor.as_raw(), 0, std::ptr::null_mut()) })
                .ok()
        });
        (get(ctx, ctor.as_ref(), c"prototype"), instance)
    };
    let (map_proto, map) = class(c"Map");
    let (set_proto, set) = class(c"Set");
    let map_iterator = call(get(ctx, map_proto.as_ref(), c"entries"), map.as_ref());
    let set_iterator = call(get(ctx, set_proto.as_ref(), c"values"), set.as_ref());
    let (date_proto, date) = class(c"Date");
    // The promise executor is required: a resolved one instead.
    let promise_ctor = get(ctx, Some(&global), c"Promise");
    let promise = call(
        get(ctx, promise_ctor.as_ref(), c"resolve"),
        promise_ctor.as_ref(),
    );
    [
        (map_proto, map),
        (set_proto, set),
        (proto_of(map_iterator.as_ref()), map_iterator),
        (proto_of(set_iterator.as_ref()), set_iterator),
        (date_proto, date),
        (get(ctx, promise_ctor.as_ref(), c"prototype"), promise),
    ]
}

/// `obj[key]`, if it is an object or a symbol.
fn get<'js>(ctx: Ctx<'js>, obj: Option<&Value<'js>>, key: &CStr) -> Option<Value<'js>> {
    // SAFETY: obj is a live value of ctx; the result is a new reference.
    let v = ctx.check(unsafe { sys::JS_GetPropertyStr(ctx.as_raw(), obj?.as_raw(), key.as_ptr()) });
    v.ok()
        .filter(|v| v.tag() == sys::JS_TAG_OBJECT || sys::JS_IsSymbol(v.as_raw()))
}

/// Reads every built-in, in [`Intrinsic`] order: the prototypes by class
/// id (`JS_GetClassProto`: the objects the engine made for the realm,
/// whatever its globals hold), their methods and constructors from them;
/// where the class ids cannot be learnt (see [`class_ids`]), the
/// prototypes from the globals.
fn capture<'js>(ctx: Ctx<'js>) -> Box<[Cell<sys::JSValue>]> {
    let protos: [Option<Value<'js>>; BUILTINS] = match class_ids(ctx) {
        Some(ids) => ids.map(|id| {
            // SAFETY: a built-in class id (below every runtime's class
            // count); the result is a new reference (null if the realm was
            // made without this class).
            let proto = unsafe { Value::from_raw(ctx, sys::JS_GetClassProto(ctx.as_raw(), id)) };
            (proto.tag() == sys::JS_TAG_OBJECT).then_some(proto)
        }),
        None => from_globals(ctx).map(|(proto, _)| proto),
    };
    let [map_proto, set_proto, map_iterator, set_iterator, date_proto, promise_proto] = protos;
    let get = |obj: Option<&Value<'js>>, key: &CStr| get(ctx, obj, key);
    let global = ctx.globals().into_value();
    let map_entries = get(map_proto.as_ref(), c"entries");
    let set_values = get(set_proto.as_ref(), c"values");
    let found = vec![
        get(map_proto.as_ref(), c"constructor"),
        map_proto.clone(),
        get(map_proto.as_ref(), c"set"),
        map_entries,
        get(map_iterator.as_ref(), c"next"),
        get(set_proto.as_ref(), c"constructor"),
        set_proto.clone(),
        get(set_proto.as_ref(), c"add"),
        set_values,
        get(set_iterator.as_ref(), c"next"),
        get(date_proto.as_ref(), c"constructor"),
        date_proto.clone(),
        get(date_proto.as_ref(), c"getTime"),
        get(promise_proto.as_ref(), c"then"),
        get(Some(&global), c"Symbol"),
    ];
    debug_assert_eq!(found.len(), Intrinsic::WellKnown as usize);
    found
        .into_iter()
        .map(|v| Cell::new(v.map_or(sys::JS_UNDEFINED, Value::into_raw)))
        .collect()
}
