//! The 32-bit representation (quickjs.h with `JS_NAN_BOXING`, quickjs-ng):
//! `JSValue` is a `u64`, the tag in the high 32 bits and an int, bool or
//! pointer in the low ones; a double is stored with `JS_FLOAT64_TAG_ADDEND`
//! subtracted from its high word, so every tag above `JS_TAG_FLOAT64`
//! (as an offset from `JS_TAG_FIRST`) is a double, and NaN has one
//! canonical encoding.

use crate::*;

#[cfg(quickjs_bellard)]
compile_error!("quickjs-sys: Bellard's QuickJS is supported on 64-bit targets only");

/// quickjs.h's `JS_FLOAT64_TAG_ADDEND` (a quiet-NaN encoding).
const JS_FLOAT64_TAG_ADDEND: u32 = (0x7ff8_0000 - JS_TAG_FIRST + 1) as u32;
/// quickjs.h's `JS_NAN`: the one NaN value.
const JS_NAN: u64 = 0x7ff8_0000_0000_0000u64.wrapping_sub((JS_FLOAT64_TAG_ADDEND as u64) << 32);

/// `JS_MKVAL` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_MKVAL(tag: i32, val: i32) -> JSValue {
    ((tag as u32 as u64) << 32) | (val as u32 as u64)
}
/// `JS_MKPTR` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_MKPTR(tag: i32, ptr: *mut std::ffi::c_void) -> JSValue {
    ((tag as u32 as u64) << 32) | (ptr as usize as u64)
}
/// `JS_VALUE_GET_TAG` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_VALUE_GET_TAG(v: JSValue) -> i32 {
    (v >> 32) as i32
}
/// The tag, with every double's `JS_TAG_FLOAT64`.
#[inline(always)]
pub const fn JS_VALUE_GET_NORM_TAG(v: JSValue) -> i32 {
    let tag = JS_VALUE_GET_TAG(v);
    if JS_TAG_IS_FLOAT64(tag) {
        JS_TAG_FLOAT64
    } else {
        tag
    }
}
/// `JS_VALUE_GET_INT` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_INT(v: JSValue) -> i32 {
    v as i32
}
/// `JS_VALUE_GET_BOOL` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_BOOL(v: JSValue) -> bool {
    v as i32 != 0
}
/// `JS_VALUE_GET_FLOAT64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_FLOAT64(v: JSValue) -> f64 {
    f64::from_bits(v.wrapping_add((JS_FLOAT64_TAG_ADDEND as u64) << 32))
}
/// `JS_VALUE_GET_PTR` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_GET_PTR(v: JSValue) -> *mut std::ffi::c_void {
    v as u32 as usize as *mut std::ffi::c_void
}
/// `JS_TAG_IS_FLOAT64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub const fn JS_TAG_IS_FLOAT64(tag: i32) -> bool {
    (tag.wrapping_sub(JS_TAG_FIRST) as u32) >= (JS_TAG_FLOAT64 - JS_TAG_FIRST) as u32
}
/// `__JS_NewFloat64` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn __JS_NewFloat64(d: f64) -> JSValue {
    let bits = d.to_bits();
    // Every NaN becomes the one NaN (its payload could look like a tag).
    if bits & 0x7fff_ffff_ffff_ffff > 0x7ff0_0000_0000_0000 {
        JS_NAN
    } else {
        bits.wrapping_sub((JS_FLOAT64_TAG_ADDEND as u64) << 32)
    }
}
/// `JS_VALUE_IS_NAN` of quickjs.h (a `static inline` there, so no symbol to link: the same in Rust).
#[inline(always)]
pub fn JS_VALUE_IS_NAN(v: JSValue) -> bool {
    JS_VALUE_GET_TAG(v) as u32 == (JS_NAN >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_round_trip_and_keep_their_tag_apart() {
        for d in [
            0.0,
            -0.0,
            1.5,
            -2.25e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            let v = __JS_NewFloat64(d);
            assert_eq!(JS_VALUE_GET_FLOAT64(v).to_bits(), d.to_bits(), "{d}");
            assert_eq!(JS_VALUE_GET_NORM_TAG(v), JS_TAG_FLOAT64, "{d}");
            assert!(!JS_VALUE_HAS_REF_COUNT(v), "{d}");
            assert!(!JS_VALUE_IS_NAN(v), "{d}");
        }
        let nan = __JS_NewFloat64(f64::from_bits(0x7ff8_dead_beef_0001));
        assert!(JS_VALUE_IS_NAN(nan) && JS_VALUE_GET_FLOAT64(nan).is_nan());
        assert_eq!(nan, __JS_NewFloat64(f64::NAN));
        for tag in JS_TAG_FIRST..JS_TAG_FLOAT64 {
            assert!(!JS_TAG_IS_FLOAT64(tag), "{tag}");
            assert_eq!(JS_VALUE_GET_NORM_TAG(JS_MKVAL(tag, -7)), tag);
        }
        assert_eq!(JS_VALUE_GET_INT(JS_MKVAL(JS_TAG_INT, -7)), -7);
    }
}
