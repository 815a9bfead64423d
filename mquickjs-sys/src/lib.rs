//! MicroQuickJS, Fabrice Bellard's JavaScript engine for microcontrollers
//! (bellard/mquickjs, vendored pristine in `mquickjs/`, patched by
//! `patches/` at build time), built from source: the raw C API.
//!
//! The engine lives in one buffer its caller gives it; values are one
//! machine word (`JSValue`), and its compacting collector moves objects at
//! any allocation, so a `JSValue` held across one is stale unless it sits
//! in a [`JSGCRef`] the engine knows. The safe API (`quickjs-rust-mquickjs`)
//! is built so that safe Rust cannot get this wrong; this crate is the C
//! surface as declared in `mquickjs.h` (its inline functions and macros
//! rewritten as `const fn`s), checked against the C headers at build time
//! (`build.rs` compiles `src/layout_checks.c`: static assertions of the
//! constants and layouts written here).
//!
//! The standard library is not part of the engine: it is a table of ROM
//! data that MicroQuickJS's generator writes at build time. With the
//! `build` feature, `build::Stdlib` makes one for a crate from its
//! `#[js]` items in its build script (see there).
#![cfg_attr(not(feature = "build"), no_std)]
#![warn(missing_docs)]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use core::ffi::{c_char, c_int, c_void};

#[cfg(feature = "build")]
pub mod build;

/// The upstream commit the vendored sources are taken from.
pub const UPSTREAM_COMMIT: &str = "ee50431eac9b14b99f722b537ec4cac0c8dd75ab";

/// A machine word: 64-bit where pointers are (`JS_PTR64`), else 32-bit.
#[cfg(target_pointer_width = "64")]
pub type JSWord = u64;
/// A machine word: 64-bit where pointers are (`JS_PTR64`), else 32-bit.
#[cfg(not(target_pointer_width = "64"))]
pub type JSWord = u32;
/// A JavaScript value: a tagged word (an integer, a special value, or a
/// pointer into the context's buffer, which the collector moves).
pub type JSValue = JSWord;
/// `JSW`: bytes in a word.
pub const JSW: usize = core::mem::size_of::<JSWord>();

/// An opaque context: it lives at the start of its buffer.
#[repr(C)]
pub struct JSContext {
    _private: [u8; 0],
}

/// The engine's standard library: ROM tables written by its generator.
#[repr(C)]
pub struct JSSTDLibraryDef {
    _private: [u8; 0],
}

/// A root the collector updates: `val` moves with its object.
#[repr(C)]
pub struct JSGCRef {
    /// The value, kept current by the collector while the ref is linked.
    pub val: JSValue,
    /// The engine's link.
    pub prev: *mut JSGCRef,
}

/// A temporary buffer for `JS_ToCString` of a one-character string.
#[repr(C)]
#[derive(Default)]
pub struct JSCStringBuf {
    /// The bytes.
    pub buf: [u8; 5],
}

/// How a context uses its buffer (patch 0002).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct JSMemoryUsage {
    /// The buffer's usable size.
    pub mem_size: usize,
    /// The context, the heap and its garbage.
    pub heap_used: usize,
    /// The JS stack at the buffer's end.
    pub stack_used: usize,
}

/// A native function: `this` and the arguments by pointer (they are slots
/// of the JS stack, which the collector updates); `argc` carries
/// [`FRAME_CF_CTOR`] when called as a constructor.
pub type JSCFunction = unsafe extern "C" fn(
    ctx: *mut JSContext,
    this_val: *mut JSValue,
    argc: c_int,
    argv: *mut JSValue,
) -> JSValue;
/// A class's finalizer: runs when the collector frees an instance; no JS
/// may run in it.
pub type JSCFinalizer = unsafe extern "C" fn(ctx: *mut JSContext, opaque: *mut c_void);
/// Where the engine's log output goes (`opaque` is the context's).
pub type JSWriteFunc = unsafe extern "C" fn(opaque: *mut c_void, buf: *const c_void, len: usize);
/// Returns non-zero to interrupt the running JS (`opaque` is the context's).
pub type JSInterruptHandler =
    unsafe extern "C" fn(ctx: *mut JSContext, opaque: *mut c_void) -> c_int;

// Tags (mquickjs.h).
/// Tag of a 31-bit integer (1 bit).
pub const JS_TAG_INT: JSValue = 0;
/// Tag of a pointer (2 bits).
pub const JS_TAG_PTR: JSValue = 1;
/// Tag of the special values (2 bits).
pub const JS_TAG_SPECIAL: JSValue = 3;
/// Booleans (5 bits).
pub const JS_TAG_BOOL: JSValue = JS_TAG_SPECIAL;
/// `null` (5 bits).
pub const JS_TAG_NULL: JSValue = JS_TAG_SPECIAL | (1 << 2);
/// `undefined` (5 bits).
pub const JS_TAG_UNDEFINED: JSValue = JS_TAG_SPECIAL | (2 << 2);
/// The exception marker (5 bits).
pub const JS_TAG_EXCEPTION: JSValue = JS_TAG_SPECIAL | (3 << 2);
/// A one-character string (5 bits).
pub const JS_TAG_STRING_CHAR: JSValue = JS_TAG_SPECIAL | (6 << 2);
/// A float stored in the word (3 bits, 64-bit only).
#[cfg(target_pointer_width = "64")]
pub const JS_TAG_SHORT_FLOAT: JSValue = 5;
/// Bits of a special value's tag.
pub const JS_TAG_SPECIAL_BITS: u32 = 5;

/// `JS_VALUE_MAKE_SPECIAL`.
pub const fn JS_VALUE_MAKE_SPECIAL(tag: JSValue, v: JSValue) -> JSValue {
    tag | (v << JS_TAG_SPECIAL_BITS)
}
/// `null`.
pub const JS_NULL: JSValue = JS_VALUE_MAKE_SPECIAL(JS_TAG_NULL, 0);
/// `undefined`.
pub const JS_UNDEFINED: JSValue = JS_VALUE_MAKE_SPECIAL(JS_TAG_UNDEFINED, 0);
/// `false`.
pub const JS_FALSE: JSValue = JS_VALUE_MAKE_SPECIAL(JS_TAG_BOOL, 0);
/// `true`.
pub const JS_TRUE: JSValue = JS_VALUE_MAKE_SPECIAL(JS_TAG_BOOL, 1);
/// The exception marker: the exception is in the context.
pub const JS_EXCEPTION: JSValue = JS_VALUE_MAKE_SPECIAL(JS_TAG_EXCEPTION, 0);

/// `JS_IsInt`.
pub const fn JS_IsInt(v: JSValue) -> bool {
    v & 1 == JS_TAG_INT
}
/// `JS_VALUE_GET_INT`: the integer of a [`JS_IsInt`] value.
pub const fn JS_VALUE_GET_INT(v: JSValue) -> i32 {
    (v as i32) >> 1
}
/// `JS_IsPtr`: a value the collector moves.
pub const fn JS_IsPtr(v: JSValue) -> bool {
    v & (JSW as JSValue - 1) == JS_TAG_PTR
}
/// `JS_IsBool`.
pub const fn JS_IsBool(v: JSValue) -> bool {
    v & ((1 << JS_TAG_SPECIAL_BITS) - 1) == JS_TAG_BOOL
}
/// `JS_NewBool`.
pub const fn JS_NewBool(b: bool) -> JSValue {
    JS_VALUE_MAKE_SPECIAL(JS_TAG_BOOL, b as JSValue)
}

// Classes (JSObjectClassEnum).
/// `JS_CLASS_OBJECT`.
pub const JS_CLASS_OBJECT: c_int = 0;
/// `JS_CLASS_ARRAY`.
pub const JS_CLASS_ARRAY: c_int = 1;
/// `JS_CLASS_C_FUNCTION`.
pub const JS_CLASS_C_FUNCTION: c_int = 2;
/// `JS_CLASS_CLOSURE`.
pub const JS_CLASS_CLOSURE: c_int = 3;
/// `JS_CLASS_ERROR`.
pub const JS_CLASS_ERROR: c_int = 9;
/// `JS_CLASS_RANGE_ERROR`.
pub const JS_CLASS_RANGE_ERROR: c_int = 11;
/// `JS_CLASS_REFERENCE_ERROR`.
pub const JS_CLASS_REFERENCE_ERROR: c_int = 12;
/// `JS_CLASS_SYNTAX_ERROR`.
pub const JS_CLASS_SYNTAX_ERROR: c_int = 13;
/// `JS_CLASS_TYPE_ERROR`.
pub const JS_CLASS_TYPE_ERROR: c_int = 14;
/// `JS_CLASS_INTERNAL_ERROR`.
pub const JS_CLASS_INTERNAL_ERROR: c_int = 16;
/// `JS_CLASS_ARRAY_BUFFER`.
pub const JS_CLASS_ARRAY_BUFFER: c_int = 17;
/// `JS_CLASS_UINT8C_ARRAY` (`Uint8ClampedArray`), the first typed array.
pub const JS_CLASS_UINT8C_ARRAY: c_int = 19;
/// `JS_CLASS_INT8_ARRAY`.
pub const JS_CLASS_INT8_ARRAY: c_int = 20;
/// `JS_CLASS_UINT8_ARRAY`.
pub const JS_CLASS_UINT8_ARRAY: c_int = 21;
/// `JS_CLASS_FLOAT64_ARRAY`.
pub const JS_CLASS_FLOAT64_ARRAY: c_int = 27;
/// User classes start here.
pub const JS_CLASS_USER: c_int = 28;

/// Or'ed into `argc` of a native function called as a constructor.
pub const FRAME_CF_CTOR: c_int = 1 << 16;

/// `JS_Eval` flag: return the last value.
pub const JS_EVAL_RETVAL: c_int = 1 << 0;
/// `JS_Eval` flag: implicit globals in assignments (a REPL).
pub const JS_EVAL_REPL: c_int = 1 << 1;
/// `JS_Eval` flag: no column numbers in debug information.
pub const JS_EVAL_STRIP_COL: c_int = 1 << 2;
/// `JS_Eval` flag: parse JSON.
pub const JS_EVAL_JSON: c_int = 1 << 3;

/// `JS_PrintValueF` flag: objects and arrays with their content.
pub const JS_DUMP_LONG: c_int = 1 << 0;

// As declared in `mquickjs.h` (patched: `JS_GetContextOpaque` and
// `JS_GetMemoryUsage` are patch 0002's, `JS_IsStdlib`, `JS_GetArrayLength`,
// `JS_GetByteData` and `JS_NewUint8ArrayCopy` patch 0003's); see there.
#[allow(missing_docs)]
extern "C" {
    pub fn JS_NewContext(
        mem_start: *mut c_void,
        mem_size: usize,
        stdlib_def: *const JSSTDLibraryDef,
    ) -> *mut JSContext;
    pub fn JS_NewContext2(
        mem_start: *mut c_void,
        mem_size: usize,
        stdlib_def: *const JSSTDLibraryDef,
        prepare_compilation: c_int,
    ) -> *mut JSContext;
    pub fn JS_FreeContext(ctx: *mut JSContext);
    pub fn JS_SetContextOpaque(ctx: *mut JSContext, opaque: *mut c_void);
    pub fn JS_GetContextOpaque(ctx: *mut JSContext) -> *mut c_void;
    pub fn JS_SetInterruptHandler(ctx: *mut JSContext, handler: Option<JSInterruptHandler>);
    pub fn JS_SetRandomSeed(ctx: *mut JSContext, seed: u64);
    pub fn JS_SetLogFunc(ctx: *mut JSContext, write_func: Option<JSWriteFunc>);
    pub fn JS_GetMemoryUsage(ctx: *mut JSContext, s: *mut JSMemoryUsage);
    pub fn JS_IsStdlib(ctx: *mut JSContext, stdlib_def: *const JSSTDLibraryDef) -> c_int;
    pub fn JS_GetArrayLength(ctx: *mut JSContext, v: JSValue) -> c_int;
    pub fn JS_GetByteData(
        ctx: *mut JSContext,
        v: JSValue,
        plen: *mut usize,
        pclass_id: *mut c_int,
    ) -> *mut u8;
    pub fn JS_NewUint8ArrayCopy(ctx: *mut JSContext, buf: *const u8, len: usize) -> JSValue;
    pub fn JS_GC(ctx: *mut JSContext);

    pub fn JS_PushGCRef(ctx: *mut JSContext, r: *mut JSGCRef) -> *mut JSValue;
    pub fn JS_PopGCRef(ctx: *mut JSContext, r: *mut JSGCRef) -> JSValue;
    pub fn JS_AddGCRef(ctx: *mut JSContext, r: *mut JSGCRef) -> *mut JSValue;
    pub fn JS_DeleteGCRef(ctx: *mut JSContext, r: *mut JSGCRef);

    pub fn JS_NewFloat64(ctx: *mut JSContext, d: f64) -> JSValue;
    pub fn JS_NewInt32(ctx: *mut JSContext, v: i32) -> JSValue;
    pub fn JS_NewUint32(ctx: *mut JSContext, v: u32) -> JSValue;
    pub fn JS_NewInt64(ctx: *mut JSContext, v: i64) -> JSValue;
    pub fn JS_IsNumber(ctx: *mut JSContext, v: JSValue) -> c_int;
    pub fn JS_IsString(ctx: *mut JSContext, v: JSValue) -> c_int;
    pub fn JS_IsError(ctx: *mut JSContext, v: JSValue) -> c_int;
    pub fn JS_IsFunction(ctx: *mut JSContext, v: JSValue) -> c_int;
    pub fn JS_GetClassID(ctx: *mut JSContext, v: JSValue) -> c_int;
    pub fn JS_SetOpaque(ctx: *mut JSContext, v: JSValue, opaque: *mut c_void);
    pub fn JS_GetOpaque(ctx: *mut JSContext, v: JSValue) -> *mut c_void;

    pub fn JS_GetGlobalObject(ctx: *mut JSContext) -> JSValue;
    pub fn JS_Throw(ctx: *mut JSContext, obj: JSValue) -> JSValue;
    pub fn JS_ThrowError(ctx: *mut JSContext, error_num: c_int, fmt: *const c_char, ...)
        -> JSValue;
    pub fn JS_ThrowOutOfMemory(ctx: *mut JSContext) -> JSValue;
    pub fn JS_GetException(ctx: *mut JSContext) -> JSValue;

    pub fn JS_GetPropertyStr(ctx: *mut JSContext, obj: JSValue, name: *const c_char) -> JSValue;
    pub fn JS_GetPropertyUint32(ctx: *mut JSContext, obj: JSValue, idx: u32) -> JSValue;
    pub fn JS_SetPropertyStr(
        ctx: *mut JSContext,
        obj: JSValue,
        name: *const c_char,
        val: JSValue,
    ) -> JSValue;
    pub fn JS_SetPropertyUint32(
        ctx: *mut JSContext,
        obj: JSValue,
        idx: u32,
        val: JSValue,
    ) -> JSValue;
    pub fn JS_NewObjectClassUser(ctx: *mut JSContext, class_id: c_int) -> JSValue;
    pub fn JS_NewObject(ctx: *mut JSContext) -> JSValue;
    pub fn JS_NewArray(ctx: *mut JSContext, initial_len: c_int) -> JSValue;

    pub fn JS_Parse(
        ctx: *mut JSContext,
        input: *const c_char,
        len: usize,
        filename: *const c_char,
        flags: c_int,
    ) -> JSValue;
    pub fn JS_Run(ctx: *mut JSContext, val: JSValue) -> JSValue;
    pub fn JS_Eval(
        ctx: *mut JSContext,
        input: *const c_char,
        len: usize,
        filename: *const c_char,
        flags: c_int,
    ) -> JSValue;

    pub fn JS_NewStringLen(ctx: *mut JSContext, buf: *const c_char, len: usize) -> JSValue;
    pub fn JS_ToCStringLen(
        ctx: *mut JSContext,
        plen: *mut usize,
        val: JSValue,
        buf: *mut JSCStringBuf,
    ) -> *const c_char;
    pub fn JS_ToString(ctx: *mut JSContext, val: JSValue) -> JSValue;
    pub fn JS_ToInt32(ctx: *mut JSContext, pres: *mut c_int, val: JSValue) -> c_int;
    pub fn JS_ToNumber(ctx: *mut JSContext, pres: *mut f64, val: JSValue) -> c_int;

    pub fn JS_StackCheck(ctx: *mut JSContext, len: u32) -> c_int;
    pub fn JS_PushArg(ctx: *mut JSContext, val: JSValue);
    pub fn JS_Call(ctx: *mut JSContext, call_flags: c_int) -> JSValue;

    pub fn JS_IsBytecode(buf: *const u8, len: usize) -> c_int;
    pub fn JS_RelocateBytecode(ctx: *mut JSContext, buf: *mut u8, len: u32) -> c_int;
    pub fn JS_LoadBytecode(ctx: *mut JSContext, buf: *const u8) -> JSValue;

    pub fn JS_PrintValueF(ctx: *mut JSContext, val: JSValue, flags: c_int);
}
