//! The 64-bit representation (quickjs.h without `JS_NAN_BOXING`):
//! `JSValue { u: JSValueUnion, tag: i64 }`.

use crate::*;

/// `JS_MKVAL` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
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
/// `JS_MKPTR` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_MKPTR(tag: i32, ptr: *mut std::ffi::c_void) -> JSValue {
    JSValue {
        u: JSValueUnion { ptr },
        tag: tag as i64,
    }
}
/// `JS_VALUE_GET_TAG` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_VALUE_GET_TAG(v: JSValue) -> i32 {
    v.tag as i32
}
/// `JS_VALUE_GET_NORM_TAG` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_VALUE_GET_NORM_TAG(v: JSValue) -> i32 {
    v.tag as i32
}
/// `JS_VALUE_GET_INT` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_INT(v: JSValue) -> i32 {
    slot_int(v.u)
}
/// `JS_VALUE_GET_BOOL` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_BOOL(v: JSValue) -> bool {
    slot_int(v.u) != 0
}
/// `JS_VALUE_GET_FLOAT64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_FLOAT64(v: JSValue) -> f64 {
    // SAFETY: every bit pattern is a valid f64.
    unsafe { v.u.float64 }
}
/// `JS_VALUE_GET_PTR` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_PTR(v: JSValue) -> *mut std::ffi::c_void {
    // SAFETY: every bit pattern is a valid raw pointer.
    unsafe { v.u.ptr }
}
/// `JS_TAG_IS_FLOAT64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_TAG_IS_FLOAT64(tag: i32) -> bool {
    tag == JS_TAG_FLOAT64
}
/// `__JS_NewFloat64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn __JS_NewFloat64(d: f64) -> JSValue {
    JSValue {
        u: JSValueUnion { float64: d },
        tag: JS_TAG_FLOAT64 as i64,
    }
}
/// `JS_VALUE_IS_NAN` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_IS_NAN(v: JSValue) -> bool {
    v.tag == JS_TAG_FLOAT64 as i64 && JS_VALUE_GET_FLOAT64(v).is_nan()
}
