//! The core layer's part of a context's Rust state ([`CoreState`]): its
//! held values, and the realm's built-ins that conversions call
//! ([`Intrinsic`]: `Map`, `Set`, their iteration, `Date`'s time value,
//! `Promise.prototype.then`, the well-known symbols).
//!
//! Why captured: a script can replace `globalThis.Map`, `Symbol`, or
//! `Map.prototype.entries`; a conversion or a class set up later must still
//! reach the engine's own. The built-ins are read once, when the context's
//! Rust state is made: for a [`crate::Context`] before any script runs, for
//! a C host's context at `JS_AddRust`. (A context whose state is first made
//! after scripts ran gets what its globals hold then: its own choice.) The
//! prototypes come from the engine by class id (`JS_GetClassProto`) once the
//! process knows the ids, which the first capture learns from instances:
//! no global lookups, no throwaway collections and iterators per context.
//!
//! Invariants: `CoreState` is the first field of the native layer's
//! `ContextState` (`#[repr(C)]`), and the context's state pointer points to
//! it, so this layer reaches it from a `Ctx` alone ([`CoreState::of`]). The
//! built-ins are references the state owns (no `Held` cell each: a context
//! is made with some thirty of them), freed with its held values (when its
//! `Context` is dropped or the host frees it) and left undefined; a
//! conversion after that is an error, never a dangling value.

use super::build::RecordCache;
use super::ctx::Ctx;
use super::error::{Error, Result};
use super::held::HeldList;
use super::value::Value;
use quickjs_sys as sys;
use std::cell::{Cell, OnceCell};
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

/// The core layer's part of a context's Rust state.
#[repr(C)]
pub(crate) struct CoreState {
    /// The context's held values.
    pub(crate) held: HeldList,
    /// The realm's built-ins, once captured: owned references, undefined
    /// where missing or once released.
    intrinsics: OnceCell<Box<[Cell<sys::JSValue>]>>,
    /// Atoms of static names and record templates (`super::build`).
    pub(crate) records: RecordCache,
}

impl CoreState {
    pub(crate) fn new(sweep: Arc<AtomicBool>) -> Self {
        CoreState {
            held: HeldList::new(sweep),
            intrinsics: OnceCell::new(),
            records: RecordCache::default(),
        }
    }

    /// Frees what the context's Rust state keeps of it: its held values
    /// and the record cache (its `Context` handle is going away, or the
    /// context died).
    ///
    /// # Safety
    /// On `rt`'s thread, `rt` alive.
    pub(crate) unsafe fn release(&self, rt: *mut sys::JSRuntime) {
        // SAFETY: the caller's contract.
        unsafe {
            self.held.release_all(rt);
            self.records.release(rt);
        }
        for v in self.intrinsics.get().into_iter().flatten() {
            let v = v.replace(sys::JS_UNDEFINED);
            if sys::JS_VALUE_HAS_REF_COUNT(v) {
                // SAFETY: a reference the state owned; the caller's contract.
                unsafe { sys::JS_FreeValueRT(rt, v) };
            }
        }
    }

    /// The state of `ctx`, if the context has Rust state.
    pub(crate) fn of<'a>(ctx: Ctx<'_>) -> Option<&'a CoreState> {
        // SAFETY: ctx is live.
        let p = unsafe { sys::JS_GetContextRustState(ctx.as_raw()) }.cast::<CoreState>();
        // SAFETY: the slot holds null or a `ContextState`, which is
        // `#[repr(C)]` with its `CoreState` first, alive for as long as the
        // context can be used (native::state's invariants).
        unsafe { p.as_ref() }
    }

    /// Reads the realm's built-ins (once; the state must be installed in
    /// `ctx`). One that is missing (a context made without it) or fails to
    /// read stays absent: using it is then an error.
    pub(crate) fn capture_intrinsics(&self, ctx: Ctx<'_>) {
        self.intrinsics.get_or_init(|| capture(ctx));
    }
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
/// `core::types::WellKnownSymbol`).
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
        super::limits::poll(ctx)?;
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
    let v = CoreState::of(ctx)?.intrinsics.get()?.get(index)?.get();
    (!sys::JS_IsUndefined(v)).then_some(v)
}

/// The built-in classes whose prototypes a capture reads: by class id,
/// once the id is known (an engine constant, the same in every runtime),
/// else from the globals and an instance, which teach it.
#[derive(Clone, Copy)]
enum Builtin {
    Map,
    Set,
    MapIterator,
    SetIterator,
    Date,
    Promise,
}

/// The class ids of [`Builtin`], learnt from the first instance a capture
/// makes in this process (0: not yet).
static CLASS_IDS: [AtomicU32; 6] = [const { AtomicU32::new(0) }; 6];

/// The realm's own prototype of `builtin` (`JS_GetClassProto`: the object
/// the engine made for the realm, whatever its globals hold now), once
/// its class id is known; `None` before, or if the realm lacks it.
fn class_prototype<'js>(ctx: Ctx<'js>, builtin: Builtin) -> Option<Option<Value<'js>>> {
    let id = CLASS_IDS[builtin as usize].load(Ordering::Relaxed);
    if id == 0 {
        return None;
    }
    // SAFETY: a built-in class id (below the runtime's class count, as in
    // every runtime); the result is a new reference (null if the realm was
    // made without this class).
    let proto = unsafe { Value::from_raw(ctx, sys::JS_GetClassProto(ctx.as_raw(), id)) };
    Some((proto.tag() == sys::JS_TAG_OBJECT).then_some(proto))
}

/// Learns `builtin`'s class id from `instance` (an object of that class;
/// an engine that cannot tell leaves it unknown: its captures read the
/// globals every time).
fn learn_class(builtin: Builtin, instance: &Value<'_>) {
    // SAFETY: a live value.
    let id = unsafe { sys::class_id_of(instance.as_raw()) };
    CLASS_IDS[builtin as usize].store(id, Ordering::Relaxed);
}

/// Reads every built-in, in [`Intrinsic`] order: the prototypes by class
/// id (see [`class_prototype`]), their methods and constructors from them.
/// The first capture of the process reads the globals instead and makes
/// an instance of each class, to learn their ids; any capture that finds
/// an id unknown does the same for that class.
fn capture(ctx: Ctx<'_>) -> Box<[Cell<sys::JSValue>]> {
    let global = ctx.globals().into_value();
    let get = |obj: Option<&Value<'_>>, key: &CStr| -> Option<Value<'_>> {
        // SAFETY: obj is a live value of ctx; the result is a new reference.
        let v =
            ctx.check(unsafe { sys::JS_GetPropertyStr(ctx.as_raw(), obj?.as_raw(), key.as_ptr()) });
        v.ok()
            .filter(|v| v.tag() == sys::JS_TAG_OBJECT || sys::JS_IsSymbol(v.as_raw()))
    };
    let c = ctx.as_raw();
    // `new ctor()`, an instance of the class.
    let construct = |ctor: Option<&Value<'_>>| {
        // SAFETY: a live value of ctx; the result is a new reference.
        ctx.check(unsafe { sys::JS_CallConstructor(c, ctor?.as_raw(), 0, std::ptr::null_mut()) })
            .ok()
    };
    // A constructor's prototype, by class id or from the global `name`.
    let prototype = |builtin: Builtin, name: &CStr| {
        class_prototype(ctx, builtin).unwrap_or_else(|| {
            let ctor = get(Some(&global), name);
            let proto = get(ctor.as_ref(), c"prototype");
            // The promise executor is required: learnt from a resolved one.
            let instance = match builtin {
                Builtin::Promise => get(ctor.as_ref(), c"resolve").and_then(|resolve| {
                    // SAFETY: live values of ctx; the result is a new reference.
                    ctx.check(unsafe {
                        sys::JS_Call(
                            c,
                            resolve.as_raw(),
                            ctor.as_ref()?.as_raw(),
                            0,
                            std::ptr::null_mut(),
                        )
                    })
                    .ok()
                }),
                _ => construct(ctor.as_ref()),
            };
            if let Some(instance) = instance {
                learn_class(builtin, &instance);
            }
            proto
        })
    };
    // The prototype of a collection's iterators, by class id or from an
    // iterator of a new, empty collection.
    let iterator_prototype =
        |builtin: Builtin, ctor: Option<&Value<'_>>, method: Option<&Value<'_>>| {
            class_prototype(ctx, builtin).unwrap_or_else(|| {
                let empty = construct(ctor)?;
                // SAFETY (both calls): live values of ctx; each result is a new
                // reference, owned by the Value `check` makes of it.
                let it = ctx
                    .check(unsafe {
                        sys::JS_Call(c, method?.as_raw(), empty.as_raw(), 0, std::ptr::null_mut())
                    })
                    .ok()?;
                learn_class(builtin, &it);
                ctx.check(unsafe { sys::JS_GetPrototype(c, it.as_raw()) })
                    .ok()
            })
        };
    let map_proto = prototype(Builtin::Map, c"Map");
    let map = get(map_proto.as_ref(), c"constructor");
    let map_entries = get(map_proto.as_ref(), c"entries");
    let map_iterator = iterator_prototype(Builtin::MapIterator, map.as_ref(), map_entries.as_ref());
    let set_proto = prototype(Builtin::Set, c"Set");
    let set = get(set_proto.as_ref(), c"constructor");
    let set_values = get(set_proto.as_ref(), c"values");
    let set_iterator = iterator_prototype(Builtin::SetIterator, set.as_ref(), set_values.as_ref());
    let date_proto = prototype(Builtin::Date, c"Date");
    let promise_proto = prototype(Builtin::Promise, c"Promise");
    let found = vec![
        map,
        map_proto.clone(),
        get(map_proto.as_ref(), c"set"),
        map_entries,
        get(map_iterator.as_ref(), c"next"),
        set,
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
