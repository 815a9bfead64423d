//! A context over a buffer the caller owns, and [`Ctx`], the handle every
//! operation goes through.
//!
//! Invariants:
//! - The buffer starts with the context's [`Host`] state (print sink,
//!   clock, interrupt handler, the no-JS count); the engine gets the rest.
//!   The buffer is borrowed mutably for the context's life, so neither
//!   moves: the engine's opaque pointer to the host stays valid.
//! - A raw `JSValue` never outlives the next allocation in this crate's
//!   code: values the caller keeps are [`Value`](crate::Value)s (GC refs
//!   the collector updates), and each operation reads them right before
//!   the C call that uses them.
//! - While a native function borrows a JS string (`&str` parameters), and
//!   while the engine runs user code in the middle of its own work (the
//!   print sink, the clock, the interrupt handler, a class value's drop in
//!   a collection), the host's no-JS count is non-zero and every operation
//!   that could run JS or allocate fails instead ([`Host::forbid_js`]).
//!   Conversions into JS ([`IntoJs`]) take a token only this crate makes,
//!   so they run behind that check, never around it.

use crate::error::{Error, ErrorKind, Result};
use crate::value::Token;
use crate::{Bytecode, FromJs, IntoJs, Stdlib};
use core::cell::Cell;
use core::ffi::{c_int, c_void, CStr};
use core::marker::PhantomData;
use core::ptr::NonNull;
use mquickjs_sys as sys;

/// The Rust state of a context, at the start of its buffer.
pub(crate) struct Host {
    print: Cell<fn(&str)>,
    clock: Cell<fn() -> f64>,
    interrupt: Cell<Option<fn() -> bool>>,
    /// Non-zero while a native function borrows JS strings.
    pub(crate) no_js: Cell<u32>,
}

impl Host {
    /// Forbids JS and allocation in the context until the guard drops:
    /// around every call of user code the engine makes in the middle of
    /// its work (a print sink handed bytes of the heap, the clock, the
    /// interrupt handler, a class's drop during a collection) and around a
    /// native function that borrows JS strings.
    pub(crate) fn forbid_js(&self) -> NoJs<'_> {
        self.no_js.set(self.no_js.get() + 1);
        NoJs(self)
    }
}

/// While alive, its context refuses JS and allocations ([`Ctx::may_run`]).
pub struct NoJs<'h>(&'h Host);

impl Drop for NoJs<'_> {
    fn drop(&mut self) {
        self.0.no_js.set(self.0.no_js.get() - 1);
    }
}

/// The host state of a context this crate did not make (MicroQuickJS's
/// own `mqjs`, which owns its context and prints itself): one per thread,
/// as contexts are.
#[cfg(feature = "std")]
fn foreign_host() -> &'static Host {
    std::thread_local! {
        static HOST: &'static Host = std::boxed::Box::leak(std::boxed::Box::new(Host {
            print: Cell::new(default_print),
            clock: Cell::new(default_clock),
            interrupt: Cell::new(None),
            no_js: Cell::new(0),
        }));
    }
    HOST.with(|h| *h)
}

#[cfg(not(feature = "std"))]
fn foreign_host() -> &'static Host {
    panic!("mquickjs: a context not made by mquickjs::Context (without std, contexts come from Context::new)")
}

fn default_print(_s: &str) {
    #[cfg(feature = "std")]
    {
        use std::io::Write;
        let _ = std::io::stdout().write_all(_s.as_bytes());
    }
}

fn default_clock() -> f64 {
    #[cfg(feature = "std")]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
    #[cfg(not(feature = "std"))]
    0.0
}

/// How a context uses its buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryUsage {
    /// The engine's part of the buffer (the buffer less the host state and
    /// alignment).
    pub total: usize,
    /// The context, its objects and not yet collected garbage.
    pub heap: usize,
    /// The JS stack (at the buffer's end).
    pub stack: usize,
}

/// A MicroQuickJS context in a buffer the caller owns: no allocation by
/// the engine, ever (a full buffer is an `OutOfMemory` error).
///
/// ```ignore
/// // needs a build script that declares the standard library (see the
/// // crate docs); `examples/mquickjs-embed` runs this as a test
/// mquickjs::stdlib!();
/// let mut buf = [0u8; 16 * 1024];
/// let ctx = mquickjs::Context::new(&mut buf, &STDLIB).unwrap();
/// let n: i32 = ctx.eval("1 + 2").unwrap();
/// assert_eq!(n, 3);
/// ```
pub struct Context<'buf> {
    raw: NonNull<sys::JSContext>,
    /// The buffer, borrowed for 'buf; invariant, so a context cannot be
    /// seen as one of a shorter life and handed memory ([`Context::run`]'s
    /// bytecode) that dies before it.
    _buf: PhantomData<Cell<&'buf mut [u8]>>,
}

/// The handle of a context, for the duration of a borrow (a `#[js]`
/// function takes one as a `Ctx` parameter).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    raw: NonNull<sys::JSContext>,
    _life: PhantomData<&'a sys::JSContext>,
}

impl<'buf> Context<'buf> {
    /// A context in `buf` with the standard library `stdlib` (a crate's,
    /// from `mquickjs::stdlib!()`). `Err(OutOfMemory)` if the buffer is too
    /// small for the context and the library (about 3 KiB on 32-bit
    /// targets, 5 KiB on 64-bit ones).
    pub fn new(buf: &'buf mut [u8], stdlib: &'static Stdlib) -> Result<Context<'buf>> {
        let align = core::mem::align_of::<Host>().max(sys::JSW);
        let start = buf.as_mut_ptr();
        let skip = start.align_offset(align);
        let host_size = core::mem::size_of::<Host>().next_multiple_of(align);
        if buf.len() < skip + host_size + 1024 {
            return Err(Error::new(
                ErrorKind::OutOfMemory,
                "the buffer is too small for a context",
            ));
        }
        // SAFETY: `skip + host_size` is within the buffer (checked above);
        // `host` is aligned for `Host` and the bytes are ours for 'buf.
        let (host, engine) = unsafe {
            let host = start.add(skip).cast::<Host>();
            host.write(Host {
                print: Cell::new(default_print),
                clock: Cell::new(default_clock),
                interrupt: Cell::new(None),
                no_js: Cell::new(0),
            });
            (host, start.add(skip + host_size))
        };
        let len = buf.len() - skip - host_size;
        // SAFETY: `engine..engine+len` is the rest of the buffer, aligned
        // for a JSValue, ours for 'buf; the stdlib is the generated tables.
        let raw = unsafe { sys::JS_NewContext(engine.cast(), len, stdlib.def()) };
        let Some(raw) = NonNull::new(raw) else {
            return Err(Error::new(
                ErrorKind::OutOfMemory,
                "the buffer is too small for the context and its standard library",
            ));
        };
        // SAFETY: a live context; `host` lives as long as the buffer; no
        // value is kept yet, so the collection moves nothing of ours.
        unsafe {
            sys::JS_SetContextOpaque(raw.as_ptr(), host.cast());
            sys::JS_SetLogFunc(raw.as_ptr(), Some(log_write));
            sys::JS_SetInterruptHandler(raw.as_ptr(), Some(interrupt));
            // Building the global object leaves the arrays it outgrew as
            // garbage (2-4 KB, about 40% of a fresh heap): collected now,
            // so `memory_usage` reports what the context holds and the
            // first script starts with all the free space.
            sys::JS_GC(raw.as_ptr());
        }
        Ok(Context {
            raw,
            _buf: PhantomData,
        })
    }

    /// Where `print` and `console.log` write (default: stdout with `std`,
    /// nowhere without). Called with pieces of a line and its `"\n"`.
    pub fn set_print(&self, print: fn(&str)) {
        self.ctx().host().print.set(print);
    }

    /// The clock of `Date.now()` and `performance.now()`, in milliseconds
    /// (default: the system clock with `std`, 0 without).
    pub fn set_clock(&self, clock: fn() -> f64) {
        self.ctx().host().clock.set(clock);
    }

    /// Runs bytecode the crate's build compiled ([`Stdlib`]'s `bytecode`,
    /// a `static` of `stdlib!()`) and converts its last value. The
    /// engine relocates the bytecode in place and keeps using it while the
    /// context lives, so it is copied into `ram` (at least
    /// [`Bytecode::ram_size`] bytes), which the context keeps for its
    /// whole life (`'buf`). No parsing at run time: no parser memory, no
    /// source in the program.
    pub fn run<'a, T: FromJs<'a>>(&'a self, code: &Bytecode, ram: &'buf mut [u8]) -> Result<T> {
        let skip = ram.as_ptr().align_offset(sys::JSW);
        let len = code.len();
        let Some(dest) = ram.get_mut(skip..skip.saturating_add(len)) else {
            return Err(Error::new(
                ErrorKind::OutOfMemory,
                "the RAM for the bytecode is smaller than Bytecode::ram_size()",
            ));
        };
        dest.copy_from_slice(code.bytes());
        // SAFETY: the engine's compiler wrote it for this target
        // (`Bytecode::from_build`); `dest` is ours for 'buf, which
        // outlives the context (invariant), and aligned for its words.
        unsafe { self.ctx().run_bytecode(dest) }
    }

    /// A handler the engine polls while JS runs: `true` stops the script
    /// with an uncatchable `Interrupted` error (a watchdog for loops that
    /// do not end).
    pub fn set_interrupt_handler(&self, handler: Option<fn() -> bool>) {
        self.ctx().host().interrupt.set(handler);
    }
}

impl Context<'_> {
    /// The context's handle, for as long as this borrow: values made with
    /// it cannot outlive the context.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            raw: self.raw,
            _life: PhantomData,
        }
    }

    /// [`Ctx::eval`].
    #[cfg(feature = "alloc")]
    pub fn eval<'a, T: FromJs<'a>>(&'a self, source: &str) -> Result<T> {
        self.ctx().eval(source)
    }

    /// [`Ctx::eval_cstr`].
    pub fn eval_cstr<'a, T: FromJs<'a>>(&'a self, source: &CStr) -> Result<T> {
        self.ctx().eval_cstr(source)
    }

    /// [`Ctx::global`].
    pub fn global<'a, T: FromJs<'a>>(&'a self, name: &CStr) -> Result<T> {
        self.ctx().global(name)
    }

    /// [`Ctx::set_global`].
    pub fn set_global<V: IntoJs>(&self, name: &CStr, value: V) -> Result<()> {
        self.ctx().set_global(name, value)
    }

    /// [`Ctx::gc`].
    pub fn gc(&self) {
        self.ctx().gc()
    }

    /// [`Ctx::memory_usage`].
    pub fn memory_usage(&self) -> MemoryUsage {
        self.ctx().memory_usage()
    }
}

impl Drop for Context<'_> {
    fn drop(&mut self) {
        // SAFETY: no Value outlives the context (they borrow it), and the
        // context is freed once; its finalizers run (no JS in them).
        unsafe { sys::JS_FreeContext(self.raw.as_ptr()) }
    }
}

unsafe extern "C" fn log_write(opaque: *mut c_void, buf: *const c_void, len: usize) {
    // SAFETY: `opaque` is the host (set at creation); the engine passes
    // `len` bytes of its output.
    let (host, bytes) = unsafe {
        (
            &*opaque.cast::<Host>(),
            core::slice::from_raw_parts(buf.cast::<u8>(), len),
        )
    };
    // The engine is in the middle of printing a value (its walk holds raw
    // pointers into the heap): no JS, no allocation from the sink.
    let _no_js = host.forbid_js();
    sheltered((), || write_lossy(host.print.get(), bytes));
}

/// Runs a host callback the engine calls from C (print sink, clock,
/// interrupt handler): with `std`, a panic in it is caught and `fallback`
/// returned (unwinding into C would abort the process).
fn sheltered<R>(fallback: R, f: impl FnOnce() -> R) -> R {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(fallback)
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = fallback;
        f()
    }
}

/// Writes `bytes` through `print`, invalid UTF-8 as U+FFFD.
fn write_lossy(print: fn(&str), mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match core::str::from_utf8(bytes) {
            Ok(s) => return print(s),
            Err(e) => {
                let (ok, rest) = bytes.split_at(e.valid_up_to());
                // SAFETY: the prefix was just validated.
                print(unsafe { core::str::from_utf8_unchecked(ok) });
                print("\u{FFFD}");
                bytes = &rest[e.error_len().unwrap_or(rest.len()).min(rest.len())..];
            }
        }
    }
}

unsafe extern "C" fn interrupt(_ctx: *mut sys::JSContext, opaque: *mut c_void) -> c_int {
    // SAFETY: `opaque` is the host (set at creation).
    let host = unsafe { &*opaque.cast::<Host>() };
    let _no_js = host.forbid_js();
    // A handler that panics stops the script.
    sheltered(true, || host.interrupt.get().is_some_and(|f| f())) as c_int
}

impl<'a> Ctx<'a> {
    /// # Safety
    /// `raw` is a context this crate made (its opaque is a [`Host`]), live
    /// for `'a`.
    pub(crate) unsafe fn from_raw(raw: *mut sys::JSContext) -> Ctx<'a> {
        Ctx {
            // SAFETY: the engine never calls a native function without one.
            raw: unsafe { NonNull::new_unchecked(raw) },
            _life: PhantomData,
        }
    }

    pub(crate) fn raw(self) -> *mut sys::JSContext {
        self.raw.as_ptr()
    }

    pub(crate) fn host(&self) -> &'a Host {
        // SAFETY: a live context.
        let p = unsafe { sys::JS_GetContextOpaque(self.raw()) }.cast::<Host>();
        if p.is_null() {
            return foreign_host();
        }
        // SAFETY: the opaque is the host at the buffer's start, which
        // outlives the context ('a).
        unsafe { &*p }
    }

    /// `Err` while JS must not run or allocate (a native function borrows
    /// a JS string).
    pub(crate) fn may_run(self) -> Result<()> {
        if self.host().no_js.get() != 0 {
            return Err(Error::new(
                ErrorKind::InternalError,
                "JS cannot run here: a native function borrows a JS string (take String instead of &str)",
            ));
        }
        Ok(())
    }

    /// Evaluates a script (global code) and converts its last value.
    #[cfg(feature = "alloc")]
    pub fn eval<T: FromJs<'a>>(self, source: &str) -> Result<T> {
        // The parser reads the byte after the source: a NUL.
        let mut s = alloc::vec::Vec::with_capacity(source.len() + 1);
        s.extend_from_slice(source.as_bytes());
        s.push(0);
        self.eval_bytes(&s[..source.len()], c"<eval>", sys::JS_EVAL_RETVAL)
    }

    /// Evaluates a script given as a C string (no copy: for `no_std`
    /// without `alloc`, `ctx.eval_cstr(c"print(1)")`).
    pub fn eval_cstr<T: FromJs<'a>>(self, source: &CStr) -> Result<T> {
        self.eval_bytes(source.to_bytes(), c"<eval>", sys::JS_EVAL_RETVAL)
    }

    /// `source` is followed by a NUL in memory.
    fn eval_bytes<T: FromJs<'a>>(self, source: &[u8], file: &CStr, flags: c_int) -> Result<T> {
        self.may_run()?;
        // SAFETY: a NUL-terminated source (callers), a live context.
        let v = unsafe {
            sys::JS_Eval(
                self.raw(),
                source.as_ptr().cast(),
                source.len(),
                file.as_ptr(),
                flags,
            )
        };
        self.take(v)
    }

    /// Converts a value the engine just returned (`JS_EXCEPTION`: the
    /// pending exception as an `Err`), before anything else allocates.
    pub(crate) fn take<T: FromJs<'a>>(self, v: sys::JSValue) -> Result<T> {
        if v == sys::JS_EXCEPTION {
            return Err(self.exception());
        }
        // SAFETY: `v` is current (nothing allocated since it was returned).
        unsafe { T::from_js(self, v) }.ok_or_else(|| {
            Error::with_args(
                ErrorKind::TypeError,
                format_args!("expected {}", T::EXPECTED),
            )
        })
    }

    /// The pending exception, described (message and stack copied out).
    pub(crate) fn exception(self) -> Error {
        // SAFETY: a live context; the exception is read and described
        // before any other allocation could move it (describe roots it).
        let exc = unsafe { sys::JS_GetException(self.raw()) };
        crate::value::describe(self, exc)
    }

    /// The global object's property `name`.
    pub fn global<T: FromJs<'a>>(self, name: &CStr) -> Result<T> {
        self.may_run()?;
        crate::value::check_string_len(name.to_bytes().len())?;
        // SAFETY: a live context; the global object is a root.
        let v = unsafe {
            sys::JS_GetPropertyStr(
                self.raw(),
                sys::JS_GetGlobalObject(self.raw()),
                name.as_ptr(),
            )
        };
        self.take(v)
    }

    /// A new empty object (`{}`), to fill with [`Value::set_prop`](crate::Value::set_prop).
    #[cfg(feature = "alloc")]
    pub fn new_object(self) -> Result<crate::Value<'a>> {
        self.may_run()?;
        // SAFETY: a live context; the new object is rooted at once.
        let v = unsafe { sys::JS_NewObject(self.raw()) };
        self.take(v)
    }

    /// A new array of `len` elements, all `undefined`, to fill with
    /// [`Value::set_index`](crate::Value::set_index).
    #[cfg(feature = "alloc")]
    pub fn new_array(self, len: u32) -> Result<crate::Value<'a>> {
        self.may_run()?;
        let len = crate::value::array_len(len as usize)?;
        // SAFETY: a live context; the new array is rooted at once.
        let v = unsafe { sys::JS_NewArray(self.raw(), len) };
        self.take(v)
    }

    /// Sets the global object's property `name`.
    pub fn set_global<V: IntoJs>(self, name: &CStr, value: V) -> Result<()> {
        self.may_run()?;
        crate::value::check_string_len(name.to_bytes().len())?;
        let v = value.into_js(self, Token(()))?;
        // SAFETY: `v` was just made (no allocation since); the global
        // object is a root.
        let r = unsafe {
            sys::JS_SetPropertyStr(
                self.raw(),
                sys::JS_GetGlobalObject(self.raw()),
                name.as_ptr(),
                v,
            )
        };
        self.take::<()>(r).map(|_| ())
    }

    /// Collects garbage now (compacting the heap).
    pub fn gc(self) {
        if self.may_run().is_ok() {
            // SAFETY: a live context; values this crate keeps are GC refs.
            unsafe { sys::JS_GC(self.raw()) }
        }
    }

    /// How the context uses its buffer.
    pub fn memory_usage(self) -> MemoryUsage {
        let mut u = sys::JSMemoryUsage::default();
        // SAFETY: a live context, a valid out pointer.
        unsafe { sys::JS_GetMemoryUsage(self.raw(), &mut u) };
        MemoryUsage {
            total: u.mem_size,
            heap: u.heap_used,
            stack: u.stack_used,
        }
    }

    /// Runs bytecode that `mqjs -o` (`-m32` for a 32-bit target) or
    /// [`Stdlib`]'s build wrote, relocated for this context, from a buffer
    /// that must outlive it.
    ///
    /// # Safety
    /// The bytecode is not checked (MicroQuickJS trusts it): it must come
    /// from the engine's compiler, for this target's word size and this
    /// standard library.
    pub unsafe fn run_bytecode<T: FromJs<'a>>(self, bytecode: &'a mut [u8]) -> Result<T> {
        self.may_run()?;
        // SAFETY: (caller) trusted bytecode; the buffer outlives the context.
        unsafe {
            if sys::JS_IsBytecode(bytecode.as_ptr(), bytecode.len()) == 0 {
                return Err(Error::type_error("not MicroQuickJS bytecode"));
            }
            if sys::JS_RelocateBytecode(self.raw(), bytecode.as_mut_ptr(), bytecode.len() as u32)
                != 0
            {
                return Err(Error::type_error(
                    "bytecode of another word size or engine version",
                ));
            }
            let f = sys::JS_LoadBytecode(self.raw(), bytecode.as_ptr());
            if f == sys::JS_EXCEPTION {
                return Err(self.exception());
            }
            let v = sys::JS_Run(self.raw(), f);
            self.take(v)
        }
    }

    /// The host's print sink.
    pub(crate) fn print(self, bytes: &[u8]) {
        let host = self.host();
        let _no_js = host.forbid_js();
        sheltered((), || write_lossy(host.print.get(), bytes));
    }

    /// The host's clock.
    pub(crate) fn now(self) -> f64 {
        let host = self.host();
        let _no_js = host.forbid_js();
        sheltered(0.0, || (host.clock.get())())
    }
}
