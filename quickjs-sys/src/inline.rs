//! Rust versions of quickjs.h's `static inline` functions and value macros
//! (64-bit, non-NaN-boxing layout: `JSValue { u: JSValueUnion, tag: i64 }`).
//! Each mirrors the C definition of the same name.

use crate::*;
use std::os::raw::c_char;

#[cfg(not(target_pointer_width = "64"))]
compile_error!("quickjs-sys: only the 64-bit JSValue layout is implemented");

#[inline(always)]
pub const fn JS_MKVAL(tag: i32, val: i32) -> JSValue {
    JSValue {
        u: int_slot(val),
        tag: tag as i64,
    }
}
/// The union holding an int: its `int32` member (quickjs-ng, Bellard
/// 2021), or the zero-extended `uint64` (Bellard 2025 and later, whose
/// union has no `int32`). All 8 bytes are written (the int's, the rest
/// zero): the engine's code may read the union as a double before it
/// looks at the tag (branchless `tag == FLOAT64 && d == 0.0`), and a
/// half-initialised union made valgrind see a jump on uninitialised bytes.
#[cfg(not(quickjs_bellard_2025))]
#[inline(always)]
const fn int_slot(val: i32) -> JSValueUnion {
    let bits = val as u32 as u64;
    // `int32` is the union's first 4 bytes.
    #[cfg(target_endian = "big")]
    let bits = bits << 32;
    JSValueUnion {
        float64: f64::from_bits(bits),
    }
}
#[cfg(quickjs_bellard_2025)]
#[inline(always)]
const fn int_slot(val: i32) -> JSValueUnion {
    JSValueUnion {
        uint64: val as u32 as u64,
    }
}
/// The int of an int-tagged union (see [`int_slot`]).
#[cfg(not(quickjs_bellard_2025))]
#[inline(always)]
fn slot_int(u: JSValueUnion) -> i32 {
    // SAFETY: every bit pattern is a valid i32; callers check the tag first.
    unsafe { u.int32 }
}
#[cfg(quickjs_bellard_2025)]
#[inline(always)]
fn slot_int(u: JSValueUnion) -> i32 {
    // SAFETY: every bit pattern is a valid u64, and his JS_MKVAL writes all
    // eight bytes; the int is the low half.
    unsafe { u.uint64 as i32 }
}
#[inline(always)]
pub const fn JS_MKPTR(tag: i32, ptr: *mut std::ffi::c_void) -> JSValue {
    JSValue {
        u: JSValueUnion { ptr },
        tag: tag as i64,
    }
}
#[inline(always)]
pub const fn JS_VALUE_GET_TAG(v: JSValue) -> i32 {
    v.tag as i32
}
#[inline(always)]
pub const fn JS_VALUE_GET_NORM_TAG(v: JSValue) -> i32 {
    v.tag as i32
}
#[inline(always)]
pub fn JS_VALUE_GET_INT(v: JSValue) -> i32 {
    slot_int(v.u)
}
#[inline(always)]
pub fn JS_VALUE_GET_BOOL(v: JSValue) -> bool {
    slot_int(v.u) != 0
}
#[inline(always)]
pub fn JS_VALUE_GET_FLOAT64(v: JSValue) -> f64 {
    // SAFETY: every bit pattern is a valid f64.
    unsafe { v.u.float64 }
}
#[inline(always)]
pub fn JS_VALUE_GET_PTR(v: JSValue) -> *mut std::ffi::c_void {
    // SAFETY: every bit pattern is a valid raw pointer.
    unsafe { v.u.ptr }
}
#[inline(always)]
pub const fn JS_TAG_IS_FLOAT64(tag: i32) -> bool {
    tag == JS_TAG_FLOAT64
}
#[inline(always)]
pub const fn JS_VALUE_HAS_REF_COUNT(v: JSValue) -> bool {
    (JS_VALUE_GET_TAG(v) as u32) >= (JS_TAG_FIRST as u32)
}
#[inline(always)]
pub fn JS_VALUE_IS_NAN(v: JSValue) -> bool {
    v.tag == JS_TAG_FLOAT64 as i64 && JS_VALUE_GET_FLOAT64(v).is_nan()
}

pub const JS_NULL: JSValue = JS_MKVAL(JS_TAG_NULL, 0);
pub const JS_UNDEFINED: JSValue = JS_MKVAL(JS_TAG_UNDEFINED, 0);
pub const JS_FALSE: JSValue = JS_MKVAL(JS_TAG_BOOL, 0);
pub const JS_TRUE: JSValue = JS_MKVAL(JS_TAG_BOOL, 1);
pub const JS_EXCEPTION: JSValue = JS_MKVAL(JS_TAG_EXCEPTION, 0);
pub const JS_UNINITIALIZED: JSValue = JS_MKVAL(JS_TAG_UNINITIALIZED, 0);

#[inline(always)]
pub fn __JS_NewFloat64(d: f64) -> JSValue {
    JSValue {
        u: JSValueUnion { float64: d },
        tag: JS_TAG_FLOAT64 as i64,
    }
}
#[inline(always)]
pub fn JS_NewBool(_ctx: *mut JSContext, val: bool) -> JSValue {
    JS_MKVAL(JS_TAG_BOOL, val as i32)
}
#[inline(always)]
pub fn JS_NewInt32(_ctx: *mut JSContext, val: i32) -> JSValue {
    JS_MKVAL(JS_TAG_INT, val)
}
#[inline(always)]
pub fn JS_NewFloat64(_ctx: *mut JSContext, val: f64) -> JSValue {
    __JS_NewFloat64(val)
}
#[inline(always)]
pub fn JS_NewCatchOffset(_ctx: *mut JSContext, val: i32) -> JSValue {
    JS_MKVAL(JS_TAG_CATCH_OFFSET, val)
}
#[inline(always)]
pub fn JS_NewInt64(ctx: *mut JSContext, val: i64) -> JSValue {
    if val >= i32::MIN as i64 && val <= i32::MAX as i64 {
        JS_NewInt32(ctx, val as i32)
    } else {
        JS_NewFloat64(ctx, val as f64)
    }
}
#[inline(always)]
pub fn JS_NewUint32(ctx: *mut JSContext, val: u32) -> JSValue {
    if val <= 0x7fff_ffff {
        JS_NewInt32(ctx, val as i32)
    } else {
        JS_NewFloat64(ctx, val as f64)
    }
}
#[inline(always)]
pub fn JS_NewUint64(ctx: *mut JSContext, val: u64) -> JSValue {
    if val <= 0x7fff_ffff {
        JS_NewInt32(ctx, val as i32)
    } else {
        JS_NewFloat64(ctx, val as f64)
    }
}
#[inline(always)]
pub fn JS_IsNumber(v: JSValue) -> bool {
    let tag = JS_VALUE_GET_TAG(v);
    tag == JS_TAG_INT || JS_TAG_IS_FLOAT64(tag)
}
#[inline(always)]
pub fn JS_IsBigInt(v: JSValue) -> bool {
    let tag = JS_VALUE_GET_TAG(v);
    tag == JS_TAG_BIG_INT || tag == JS_TAG_SHORT_BIG_INT
}
#[inline(always)]
pub fn JS_IsBool(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_BOOL
}
#[inline(always)]
pub fn JS_IsNull(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_NULL
}
#[inline(always)]
pub fn JS_IsUndefined(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_UNDEFINED
}
#[inline(always)]
pub fn JS_IsException(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_EXCEPTION
}
#[inline(always)]
pub fn JS_IsUninitialized(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_UNINITIALIZED
}
#[inline(always)]
pub fn JS_IsString(v: JSValue) -> bool {
    let tag = JS_VALUE_GET_TAG(v);
    tag == JS_TAG_STRING || tag == JS_TAG_STRING_ROPE
}
#[inline(always)]
pub fn JS_IsSymbol(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_SYMBOL
}
#[inline(always)]
pub fn JS_IsObject(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) == JS_TAG_OBJECT
}
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
