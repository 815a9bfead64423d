//! Bellard's QuickJS (2021-03-27, and the API of his 2025 and later
//! releases, `cfg(quickjs_bellard_2025)`) under quickjs-ng's names and signatures,
//! for the functions the Rust module layer uses: where his differ (`BOOL`
//! results, `JS_NewClassID` without a runtime, ...) or are `static inline`
//! in his header (reference counting), or missing and cheap to express with
//! his public API. quickjs-ng-only features with no such expression
//! (promise state, typed arrays, runtime finalizers, ...) are not offered:
//! the `quickjs` crate compiles only its native module layer here.

use crate::raw;
use crate::{
    JSAtom, JSClassID, JSContext, JSRefCountHeader, JSRuntime, JSValue, JS_IsException,
    JS_NewCFunction, JS_NewString, JS_ToInt64, JS_UNDEFINED, JS_VALUE_GET_PTR,
    JS_VALUE_HAS_REF_COUNT,
};
use std::os::raw::{c_char, c_int};

/// His 2021 engine has no rope strings and no short BigInts: tags no value carries.
#[cfg(not(quickjs_bellard_2025))]
pub const JS_TAG_STRING_ROPE: i32 = i32::MIN;
/// See [`JS_TAG_STRING_ROPE`].
#[cfg(not(quickjs_bellard_2025))]
pub const JS_TAG_SHORT_BIG_INT: i32 = i32::MIN + 1;

/// The reference count of a counted value: the first field of the
/// pointee in his 2021 release, the 4 bytes before it since 2025 (his
/// header's `__js_rc`).
///
/// # Safety
/// `v` a live value with a reference count.
#[inline(always)]
unsafe fn ref_count(v: JSValue) -> *mut JSRefCountHeader {
    let p = JS_VALUE_GET_PTR(v);
    #[cfg(not(quickjs_bellard_2025))]
    return p.cast::<JSRefCountHeader>();
    #[cfg(quickjs_bellard_2025)]
    return p.cast::<u32>().sub(1).cast::<JSRefCountHeader>();
}
/// Drops one reference of `v`; true if that was the last (his header's
/// `JS_FreeValue` body, before the call that frees).
///
/// # Safety
/// `v` a live value whose reference the caller owns.
#[inline(always)]
unsafe fn last_reference(v: JSValue) -> bool {
    if !JS_VALUE_HAS_REF_COUNT(v) {
        return false;
    }
    let p = ref_count(v);
    (*p).ref_count -= 1;
    (*p).ref_count <= 0
}
/// # Safety
/// `ctx` live; `v` a value of its runtime whose reference the caller owns.
#[inline(always)]
pub unsafe fn JS_FreeValue(ctx: *mut JSContext, v: JSValue) {
    if last_reference(v) {
        raw::__JS_FreeValue(ctx, v);
    }
}
/// # Safety
/// As [`JS_FreeValue`].
#[inline(always)]
pub unsafe fn JS_FreeValueRT(rt: *mut JSRuntime, v: JSValue) {
    if last_reference(v) {
        raw::__JS_FreeValueRT(rt, v);
    }
}
/// # Safety
/// `v` a live value.
#[inline(always)]
pub unsafe fn JS_DupValue(_ctx: *mut JSContext, v: JSValue) -> JSValue {
    if JS_VALUE_HAS_REF_COUNT(v) {
        (*ref_count(v)).ref_count += 1;
    }
    v
}
/// # Safety
/// `v` a live value.
#[inline(always)]
pub unsafe fn JS_DupValueRT(_rt: *mut JSRuntime, v: JSValue) -> JSValue {
    JS_DupValue(std::ptr::null_mut(), v)
}

/// His class ids are global, not per runtime.
///
/// # Safety
/// `pclass_id` valid for writes.
pub unsafe fn JS_NewClassID(_rt: *mut JSRuntime, pclass_id: *mut JSClassID) -> JSClassID {
    raw::JS_NewClassID(pclass_id)
}
/// # Safety
/// As quickjs-ng's.
#[inline(always)]
pub unsafe fn JS_ToCStringLen2(
    ctx: *mut JSContext,
    plen: *mut usize,
    val: JSValue,
    cesu8: bool,
) -> *const c_char {
    raw::JS_ToCStringLen2(ctx, plen, val, cesu8 as c_int)
}

/// # Safety
/// As quickjs-ng's (`class_id` registered in the context's runtime).
#[inline(always)]
pub unsafe fn JS_NewObjectClass(ctx: *mut JSContext, class_id: JSClassID) -> JSValue {
    raw::JS_NewObjectClass(ctx, class_id as c_int)
}
/// # Safety
/// `ctx` live, `val` a live value.
#[inline(always)]
pub unsafe fn JS_IsFunction(ctx: *mut JSContext, val: JSValue) -> bool {
    raw::JS_IsFunction(ctx, val) != 0
}
/// His `JS_IsError` reads only the value's class (its `ctx` is unused).
///
/// # Safety
/// `val` a live value.
#[inline(always)]
pub unsafe fn JS_IsError(val: JSValue) -> bool {
    raw::JS_IsError(std::ptr::null_mut(), val) != 0
}
/// # Safety
/// `rt` live.
#[inline(always)]
pub unsafe fn JS_IsRegisteredClass(rt: *mut JSRuntime, class_id: JSClassID) -> bool {
    raw::JS_IsRegisteredClass(rt, class_id) != 0
}
/// # Safety
/// `rt` live.
#[inline(always)]
pub unsafe fn JS_IsJobPending(rt: *mut JSRuntime) -> bool {
    raw::JS_IsJobPending(rt) != 0
}
/// `static inline` in his header.
///
/// # Safety
/// `ctx` live, `this_obj` a live value.
#[inline(always)]
pub unsafe fn JS_GetProperty(ctx: *mut JSContext, this_obj: JSValue, prop: JSAtom) -> JSValue {
    raw::JS_GetPropertyInternal(ctx, this_obj, prop, this_obj, 0)
}
/// `static inline` in his header; takes `val`.
///
/// # Safety
/// `ctx` live, `this_obj` a live value; `val` owned by the caller.
#[inline(always)]
pub unsafe fn JS_SetProperty(
    ctx: *mut JSContext,
    this_obj: JSValue,
    prop: JSAtom,
    val: JSValue,
) -> c_int {
    let flags = crate::JS_PROP_THROW as c_int;
    #[cfg(not(quickjs_bellard_2025))]
    return raw::JS_SetPropertyInternal(ctx, this_obj, prop, val, flags);
    // Since 2025 with the receiver (`this_obj` itself), as his inline does.
    #[cfg(quickjs_bellard_2025)]
    return raw::JS_SetPropertyInternal(ctx, this_obj, prop, val, this_obj, flags);
}
/// His own since 2025, returning his `JS_BOOL`.
///
/// # Safety
/// `ctx` live.
#[cfg(quickjs_bellard_2025)]
#[inline(always)]
pub unsafe fn JS_HasException(ctx: *mut JSContext) -> bool {
    raw::JS_HasException(ctx) != 0
}
/// In 2021 he marks "no exception" with `null`.
///
/// # Safety
/// `ctx` live.
#[cfg(not(quickjs_bellard_2025))]
pub unsafe fn JS_HasException(ctx: *mut JSContext) -> bool {
    let exc = raw::JS_GetException(ctx);
    if crate::JS_IsNull(exc) {
        return false;
    }
    raw::JS_Throw(ctx, exc);
    true
}
/// Throws `new Error(message)`. Not variadic: `fmt` must be `"%s"` with the
/// message as its one argument (any other `fmt` is taken as the message).
///
/// # Safety
/// `ctx` live; `fmt` and `message` NUL-terminated.
pub unsafe fn JS_ThrowPlainError(
    ctx: *mut JSContext,
    fmt: *const c_char,
    message: *const c_char,
) -> JSValue {
    let text = if std::ffi::CStr::from_ptr(fmt) == c"%s" {
        message
    } else {
        fmt
    };
    let ctor = global(ctx, c"Error");
    let mut msg = JS_NewString(ctx, text);
    let err = raw::JS_CallConstructor(ctx, ctor, 1, &mut msg);
    JS_FreeValue(ctx, msg);
    JS_FreeValue(ctx, ctor);
    if JS_IsException(err) {
        return err;
    }
    raw::JS_Throw(ctx, err)
}
/// `Symbol(description)` (or `Symbol.for(description)` when `is_global`).
///
/// # Safety
/// `ctx` live; `description` NUL-terminated.
pub unsafe fn JS_NewSymbol(
    ctx: *mut JSContext,
    description: *const c_char,
    is_global: bool,
) -> JSValue {
    let symbol = global(ctx, c"Symbol");
    let func = if is_global {
        raw::JS_GetPropertyStr(ctx, symbol, c"for".as_ptr())
    } else {
        JS_DupValue(ctx, symbol)
    };
    let mut desc = JS_NewString(ctx, description);
    let sym = raw::JS_Call(ctx, func, symbol, 1, &mut desc);
    JS_FreeValue(ctx, desc);
    JS_FreeValue(ctx, func);
    JS_FreeValue(ctx, symbol);
    sym
}
/// `ToLength(obj.length)`.
///
/// # Safety
/// `ctx` live, `obj` a live value, `pres` valid for writes.
pub unsafe fn JS_GetLength(ctx: *mut JSContext, obj: JSValue, pres: *mut i64) -> c_int {
    let len = raw::JS_GetPropertyStr(ctx, obj, c"length".as_ptr());
    if JS_IsException(len) {
        return -1;
    }
    let mut n = 0i64;
    let r = JS_ToInt64(ctx, &mut n, len);
    JS_FreeValue(ctx, len);
    *pres = n.clamp(0, (1i64 << 53) - 1);
    r
}
/// Marks a promise as handled by attaching a no-op rejection handler
/// (`promise.then(undefined, () => {})`), so the host's rejection tracker
/// does not report it.
///
/// # Safety
/// `ctx` live, `promise` a live promise.
pub unsafe fn JS_PromiseMarkAsHandled(ctx: *mut JSContext, promise: JSValue) {
    unsafe extern "C" fn noop(
        _ctx: *mut JSContext,
        _this: JSValue,
        _argc: c_int,
        _argv: *mut JSValue,
    ) -> JSValue {
        JS_UNDEFINED
    }
    let then = raw::JS_GetPropertyStr(ctx, promise, c"then".as_ptr());
    let mut args = [
        JS_UNDEFINED,
        JS_NewCFunction(ctx, Some(noop), c"".as_ptr(), 1),
    ];
    let derived = raw::JS_Call(ctx, then, promise, 2, args.as_mut_ptr());
    JS_FreeValue(ctx, args[1]);
    JS_FreeValue(ctx, then);
    if JS_IsException(derived) {
        JS_FreeValue(ctx, raw::JS_GetException(ctx));
    } else {
        JS_FreeValue(ctx, derived);
    }
}

/// `globalThis[name]` (a new reference).
unsafe fn global(ctx: *mut JSContext, name: &std::ffi::CStr) -> JSValue {
    let g = raw::JS_GetGlobalObject(ctx);
    let v = raw::JS_GetPropertyStr(ctx, g, name.as_ptr());
    JS_FreeValue(ctx, g);
    v
}
#[cfg(not(quickjs_bellard_2025))]
unsafe extern "C" {
    /// Public in his quickjs.c (not declared in his header), with the flag
    /// as a third argument.
    #[link_name = "JS_SetUncatchableError"]
    fn set_uncatchable_error(ctx: *mut JSContext, val: JSValue, flag: c_int);
}
/// Marks `val` (an Error object) uncatchable (his 2021 release; later ones
/// mark the pending exception instead: see `throw_uncatchable`).
///
/// # Safety
/// `ctx` live, `val` a live value of its runtime.
#[cfg(not(quickjs_bellard_2025))]
#[inline(always)]
pub unsafe fn JS_SetUncatchableError(ctx: *mut JSContext, val: JSValue) {
    set_uncatchable_error(ctx, val, 1)
}
