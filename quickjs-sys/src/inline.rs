//! Rust versions of quickjs.h's `static inline` functions and value macros.
//! Each mirrors the C definition of the same name; those that depend on the
//! value representation are in `inline/` (one file per representation).

use crate::*;
use std::os::raw::c_char;

/// The value representation: a `{ union, tag }` struct on 64-bit
/// targets, a NaN-boxed `u64` on 32-bit ones (quickjs.h's `JS_NAN_BOXING`,
/// on by default where pointers are narrower than 64 bits).
#[cfg(target_pointer_width = "64")]
#[path = "inline/struct_repr.rs"]
mod repr;
#[cfg(not(target_pointer_width = "64"))]
#[path = "inline/nan_boxing.rs"]
mod repr;
pub use repr::*;

/// `JS_VALUE_HAS_REF_COUNT` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_VALUE_HAS_REF_COUNT(v: JSValue) -> bool {
    (JS_VALUE_GET_TAG(v) as u32) >= (JS_TAG_FIRST as u32)
}
/// `JS_NULL` of quickjs.h (a macro there: the same value in Rust).
pub const JS_NULL: JSValue = JS_MKVAL(JS_TAG_NULL, 0);
/// `JS_UNDEFINED` of quickjs.h (a macro there: the same value in Rust).
pub const JS_UNDEFINED: JSValue = JS_MKVAL(JS_TAG_UNDEFINED, 0);
/// `JS_FALSE` of quickjs.h (a macro there: the same value in Rust).
pub const JS_FALSE: JSValue = JS_MKVAL(JS_TAG_BOOL, 0);
/// `JS_TRUE` of quickjs.h (a macro there: the same value in Rust).
pub const JS_TRUE: JSValue = JS_MKVAL(JS_TAG_BOOL, 1);
/// `JS_EXCEPTION` of quickjs.h (a macro there: the same value in Rust).
pub const JS_EXCEPTION: JSValue = JS_MKVAL(JS_TAG_EXCEPTION, 0);
/// `JS_UNINITIALIZED` of quickjs.h (a macro there: the same value in Rust).
pub const JS_UNINITIALIZED: JSValue = JS_MKVAL(JS_TAG_UNINITIALIZED, 0);

/// `JS_NewBool` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewBool(_ctx: *mut JSContext, val: bool) -> JSValue {
    JS_MKVAL(JS_TAG_BOOL, val as i32)
}
/// `JS_NewInt32` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewInt32(_ctx: *mut JSContext, val: i32) -> JSValue {
    JS_MKVAL(JS_TAG_INT, val)
}
/// `JS_NewFloat64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewFloat64(_ctx: *mut JSContext, val: f64) -> JSValue {
    __JS_NewFloat64(val)
}
/// `JS_NewCatchOffset` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewCatchOffset(_ctx: *mut JSContext, val: i32) -> JSValue {
    JS_MKVAL(JS_TAG_CATCH_OFFSET, val)
}
/// `JS_NewInt64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewInt64(ctx: *mut JSContext, val: i64) -> JSValue {
    if val >= i32::MIN as i64 && val <= i32::MAX as i64 {
        JS_NewInt32(ctx, val as i32)
    } else {
        JS_NewFloat64(ctx, val as f64)
    }
}
/// `JS_NewUint32` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewUint32(ctx: *mut JSContext, val: u32) -> JSValue {
    if val <= 0x7fff_ffff {
        JS_NewInt32(ctx, val as i32)
    } else {
        JS_NewFloat64(ctx, val as f64)
    }
}
/// `JS_NewUint64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_NewUint64(ctx: *mut JSContext, val: u64) -> JSValue {
    if val <= 0x7fff_ffff {
        JS_NewInt32(ctx, val as i32)
    } else {
        JS_NewFloat64(ctx, val as f64)
    }
}
/// `JS_IsNumber` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsNumber(v: JSValue) -> bool {
    let tag = JS_VALUE_GET_TAG(v);
    tag == JS_TAG_INT || JS_TAG_IS_FLOAT64(tag)
}
/// `JS_IsBigInt` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsBigInt(v: JSValue) -> bool {
    let tag = JS_VALUE_GET_TAG(v);
    tag == JS_TAG_BIG_INT || tag == JS_TAG_SHORT_BIG_INT
}
/// `JS_IsBool` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsBool(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_BOOL
}
/// `JS_IsNull` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsNull(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_NULL
}
/// `JS_IsUndefined` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsUndefined(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_UNDEFINED
}
/// `JS_IsException` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsException(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_EXCEPTION
}
/// `JS_IsUninitialized` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsUninitialized(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_UNINITIALIZED
}
/// `JS_IsString` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsString(v: JSValue) -> bool {
    let tag = JS_VALUE_GET_TAG(v);
    tag == JS_TAG_STRING || tag == JS_TAG_STRING_ROPE
}
/// `JS_IsSymbol` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsSymbol(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_SYMBOL
}
/// `JS_IsObject` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsObject(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_OBJECT
}
/// `JS_IsModule` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_IsModule(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_MODULE
}

/// # Safety
/// `ctx` must be a live context and `val` a live value of it.
#[inline(always)]
pub unsafe fn JS_ToBoolean(ctx: *mut JSContext, val: JSValue) -> JSValue {
    JS_NewBool(ctx, JS_ToBool(ctx, val) != 0)
}
/// # Safety
/// As `JS_ToInt32`.
#[inline(always)]
pub unsafe fn JS_ToUint32(ctx: *mut JSContext, pres: *mut u32, val: JSValue) -> i32 {
    JS_ToInt32(ctx, pres as *mut i32, val)
}
#[cfg(any(not(quickjs_bellard), quickjs_bellard_2025))] // a real function in his 2021 release
/// # Safety
/// `ctx` live; `str_` a NUL-terminated string.
#[inline(always)]
pub unsafe fn JS_NewString(ctx: *mut JSContext, str_: *const c_char) -> JSValue {
    JS_NewStringLen(ctx, str_, std::ffi::CStr::from_ptr(str_).to_bytes().len())
}
/// # Safety
/// As `JS_ToCStringLen2`; free the result with `JS_FreeCString`.
#[inline(always)]
pub unsafe fn JS_ToCStringLen(
    ctx: *mut JSContext,
    plen: *mut usize,
    val: JSValue,
) -> *const c_char {
    JS_ToCStringLen2(ctx, plen, val, false)
}
/// # Safety
/// As `JS_ToCStringLen2`; free the result with `JS_FreeCString`.
#[inline(always)]
pub unsafe fn JS_ToCString(ctx: *mut JSContext, val: JSValue) -> *const c_char {
    JS_ToCStringLen2(ctx, std::ptr::null_mut(), val, false)
}
/// # Safety
/// `ctx` live; `func` a valid C function; `name` NUL-terminated or null.
#[inline(always)]
pub unsafe fn JS_NewCFunction(
    ctx: *mut JSContext,
    func: JSCFunction,
    name: *const c_char,
    length: i32,
) -> JSValue {
    JS_NewCFunction2(ctx, func, name, length, JS_CFUNC_generic, 0)
}
/// # Safety
/// As `JS_NewCFunction2`.
#[inline(always)]
pub unsafe fn JS_NewCFunctionMagic(
    ctx: *mut JSContext,
    func: JSCFunctionMagic,
    name: *const c_char,
    length: i32,
    cproto: JSCFunctionEnum,
    magic: i32,
) -> JSValue {
    // SAFETY: identical to the C header: the engine dispatches on `cproto`.
    JS_NewCFunction2(
        ctx,
        std::mem::transmute::<JSCFunctionMagic, JSCFunction>(func),
        name,
        length,
        cproto,
        magic,
    )
}
#[cfg(any(not(quickjs_bellard), quickjs_bellard_2025))] // a real function in his 2021 release
/// # Safety
/// As `JS_AtomToCStringLen`.
#[inline(always)]
pub unsafe fn JS_AtomToCString(ctx: *mut JSContext, atom: JSAtom) -> *const c_char {
    JS_AtomToCStringLen(ctx, std::ptr::null_mut(), atom)
}
