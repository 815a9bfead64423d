//! Bounds on the work a script can make Rust do: the one place every
//! recursive or script-sized conversion goes through.
//!
//! * **Nesting**: each level of a recursive conversion (`Vec`/maps/tuples
//!   `FromJs` and `IntoJs`, serde both ways) holds a [`Nested`] guard. More
//!   than [`MAX_DEPTH`] levels on one thread is a `RangeError`, never a
//!   Rust stack overflow; an object that is already being converted further
//!   up (a cycle) is a `TypeError`. Shared, acyclic references are fine.
//!   So is a level that would leave less than half of the stack margin
//!   below the engine's limit (`stack::exhausted`): a conversion started
//!   at the stack limit ends in a `RangeError` too.
//! * **Memory**: [`vec_for`] checks an allocation whose size a script chose
//!   (an array's `length`, a key count) against the runtime's memory limit
//!   *before* allocating, and fails like JS does (`InternalError: out of
//!   memory`); without a limit, a failed reservation is the same error
//!   instead of an abort.
//! * **Memory held for JS**: what Rust keeps alive on behalf of the
//!   runtime's objects (a pending future, which its promise waits on) is
//!   counted as the engine's own allocation while it lives
//!   ([`count_held`] / [`uncount_held`], patch 0013): under the memory
//!   limit, and in the GC's schedule, which otherwise runs late by that
//!   much and finds more live objects at every collection.
//! * **Time**: [`poll`] runs the engine's interrupt poll (patch 0005), so a
//!   long conversion loop stops when the host's interrupt handler says so,
//!   as a JS loop would; [`charge`] counts big copies (one poll per 4 KiB),
//!   so a loop that hands megabytes to Rust reaches the handler as often.
//! * **Interrupts stay raised**: JS cannot catch the interrupt error, but
//!   Rust code can drop it (`let _ = f.call(())`, a conversion that tries
//!   another type). Every interrupt that reaches Rust is numbered and
//!   logged in its own runtime's state ([`note_interrupt`], from
//!   `Ctx::catch`; by thread, see [`note`]), and a native call during which
//!   one of its runtime's interrupts reached Rust ends with the interrupt,
//!   whatever its Rust code returned ([`InterruptWatch`], in the native
//!   boundary): the script cannot run on.
//!
//! Invariant: the thread-local path stack holds exactly the objects of the
//! live `Nested` guards of this thread that entered an object, innermost
//! last, and the depth counts all live guards (guards are dropped in
//! reverse order of creation, as scopes nest).

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::{Error, Result, CYCLIC, NESTED};
use crate::engine::handle::state::RuntimeState;
use crate::engine::handle::value::Value;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};

/// How deeply conversions may nest (serde_json's default is 128).
pub const MAX_DEPTH: usize = 128;

/// Allocations below this many bytes are not checked against the memory
/// limit first (they are small next to what the script already holds).
const CHECK_ABOVE: usize = 64 << 10;

thread_local! {
    /// The JS objects being converted on this thread, outermost first (for
    /// cycle detection).
    static PATH: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// How many conversion levels are open on this thread (objects or not).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// One level of a recursive conversion; leaves it when dropped.
#[must_use]
pub(crate) struct Nested {
    /// The level pushed a JS object on the path.
    object: bool,
}

impl Nested {
    /// Enters a level that converts `value` (a cycle if it is an object
    /// already being converted further up).
    pub(crate) fn enter(value: &Value<'_>) -> Result<Self> {
        let outermost = DEPTH.get() == 0;
        let level = if value.tag() != sys::JS_TAG_OBJECT {
            Self::enter_rust()
        } else {
            Self::push(sys::JS_VALUE_GET_PTR(value.as_raw()) as usize)
        }?;
        if outermost {
            Conversion::open(value.ctx());
        }
        Ok(level)
    }

    /// Enters a level that converts values of `ctx` into Rust (the items of
    /// a rest parameter): one conversion, counted together.
    pub(crate) fn enter_in(ctx: Ctx<'_>) -> Result<Self> {
        let outermost = DEPTH.get() == 0;
        let level = Self::enter_rust()?;
        if outermost {
            Conversion::open(ctx);
        }
        Ok(level)
    }

    /// Enters a level that converts the object at address `id`.
    fn push(id: usize) -> Result<Self> {
        Self::deeper()?;
        let cyclic = PATH.with_borrow_mut(|path| {
            let cyclic = path.contains(&id);
            if !cyclic {
                path.push(id);
            }
            cyclic
        });
        if cyclic {
            DEPTH.set(DEPTH.get() - 1);
            return Err(Error::type_error(CYCLIC));
        }
        Ok(Nested { object: true })
    }

    /// Enters a level of Rust data going into JS, or of a JS value that is
    /// not an object (depth only).
    #[inline]
    pub(crate) fn enter_rust() -> Result<Self> {
        Self::deeper()?;
        Ok(Nested { object: false })
    }

    #[inline]
    fn deeper() -> Result<()> {
        let depth = DEPTH.get();
        if depth >= MAX_DEPTH {
            return Err(Error::range_error(format!("{NESTED} {MAX_DEPTH} levels")));
        }
        if crate::engine::handle::stack::exhausted() {
            // Started close to the engine's stack limit (a call from deep
            // recursion): the thread's stack ends before MAX_DEPTH does.
            return Err(Error::range_error(crate::engine::handle::stack::EXHAUSTED));
        }
        DEPTH.set(depth + 1);
        Ok(())
    }
}

impl Drop for Nested {
    #[inline]
    fn drop(&mut self) {
        let depth = DEPTH.get() - 1;
        DEPTH.set(depth);
        if self.object {
            PATH.with_borrow_mut(|path| path.pop());
        }
        if depth == 0 {
            Conversion::close();
        }
    }
}

thread_local! {
    /// What the open conversion on this thread (its outermost `Nested`
    /// level) has copied into Rust: see [`check_alloc`].
    static CONVERSION: Cell<Conversion> = const { Cell::new(Conversion::NONE) };
}

/// The Rust copies of one conversion, counted as its runtime's memory
/// while the conversion runs.
#[derive(Clone, Copy)]
struct Conversion {
    /// The runtime counted against (0: none yet).
    rt: usize,
    /// Bytes counted with the engine (given back at the close).
    counted: usize,
    /// Bytes not yet counted (counted in batches of [`CHECK_ABOVE`]).
    pending: usize,
}

impl Conversion {
    const NONE: Conversion = Conversion {
        rt: 0,
        counted: 0,
        pending: 0,
    };

    /// The outermost level of a conversion of `ctx`'s values opened: what
    /// Rust copies out of that runtime is counted there until it closes.
    #[inline]
    fn open(ctx: Ctx<'_>) {
        CONVERSION.set(Conversion {
            rt: ctx.rt() as usize,
            counted: 0,
            pending: 0,
        });
    }

    /// The outermost level closed (the conversion is over, its result is
    /// the caller's, or it failed): its count is given back.
    #[inline]
    fn close() {
        let c = CONVERSION.replace(Conversion::NONE);
        if c.counted > 0 {
            // SAFETY: the conversion ran on this thread inside a call on
            // c.rt, which is still going on (its levels nest inside it).
            unsafe { uncount_held(c.rt as *mut sys::JSRuntime, c.counted) };
        }
    }

    /// Adds `bytes` copied by the open conversion, in `ctx`'s runtime.
    fn add(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
        let mut c = CONVERSION.get();
        if c.rt == 0 || c.rt != ctx.rt() as usize {
            // Not the runtime whose values the outermost level converts
            // (another runtime's values met inside, or a level of Rust data
            // going into JS): checked alone, never counted where the count
            // could outlive the call that holds that runtime.
            return check_alone(ctx, bytes);
        }
        c.pending = c.pending.saturating_add(bytes);
        if c.pending >= CHECK_ABOVE {
            let batch = std::mem::take(&mut c.pending);
            let counted = count_held(ctx, batch);
            if counted.is_ok() {
                c.counted = c.counted.saturating_add(batch);
            }
            CONVERSION.set(c);
            return counted;
        }
        CONVERSION.set(c);
        Ok(())
    }
}

/// An empty `Vec` with room for `len` items of `T`, where a script chose
/// `len`: checked against `ctx`'s runtime memory limit first, and never an
/// abort when the system cannot provide it.
pub(crate) fn vec_for<T>(ctx: Ctx<'_>, len: usize) -> Result<Vec<T>> {
    let bytes = len.saturating_mul(std::mem::size_of::<T>().max(1));
    check_alloc(ctx, bytes)?;
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| out_of_memory(ctx))?;
    Ok(v)
}

/// Called before Rust copies `bytes` out of `ctx`'s runtime (a string, a
/// buffer, an array's items): fails like the engine does
/// (`InternalError: out of memory`) when they would not fit under the
/// runtime's memory limit.
///
/// Inside a recursive conversion (a `Nested` level is open: `Vec`, maps,
/// tuples, `Rest`, serde, and every type built from them) the copies are
/// counted as the runtime's memory, all of them together, until the
/// outermost level closes: a conversion cannot build more in Rust than
/// the limit leaves (one 1 MiB string referenced 10,000 times in an array
/// is 10 GiB as a `Vec<String>`), and its count is given back when it ends,
/// with its result the caller's (or dropped, if it failed). Small copies
/// are counted in batches of 64 KiB. Outside a conversion, a copy is
/// checked alone, and small ones pass unchecked.
#[inline]
pub(crate) fn check_alloc(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
    if DEPTH.get() > 0 {
        return Conversion::add(ctx, bytes);
    }
    check_alone(ctx, bytes)
}

/// [`check_alloc`] for one copy on its own.
#[inline]
fn check_alone(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
    if bytes < CHECK_ABOVE {
        return Ok(());
    }
    check_alloc_slow(ctx, bytes)
}

#[cold]
fn check_alloc_slow(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
    // The engine's allocator applies the limit: ask it for the block and
    // give it back at once (a large block is mapped lazily, so this costs a
    // pair of system calls, not the memory).
    // SAFETY: ctx is live; a non-null block is ours and freed at once.
    unsafe {
        let p = sys::js_malloc(ctx.as_raw(), bytes);
        if p.is_null() {
            return Err(ctx.catch());
        }
        sys::js_free(ctx.as_raw(), p);
    }
    Ok(())
}

/// Counts `bytes` that Rust holds for `ctx`'s runtime's objects as
/// allocated by the engine, or fails like the engine's allocator (counting
/// nothing) when they do not fit under the memory limit. Give them back
/// with [`uncount_held`].
#[inline]
pub(crate) fn count_held(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
    // More than any limit can hold (a size that saturated) never fits.
    let Ok(delta) = i64::try_from(bytes) else {
        return Err(out_of_memory(ctx));
    };
    // SAFETY: ctx is live.
    if unsafe { sys::JS_CountExternalMemory(ctx.rt(), delta) } < 0 {
        return Err(out_of_memory(ctx));
    }
    Ok(())
}

/// Gives back `bytes` counted by [`count_held`].
///
/// # Safety
/// `rt` is live.
#[inline]
pub(crate) unsafe fn uncount_held(rt: *mut sys::JSRuntime, bytes: usize) {
    // SAFETY: our caller's contract; giving back never fails.
    unsafe { sys::JS_CountExternalMemory(rt, -(bytes as i64)) };
}

thread_local! {
    /// Set while Rust settles a promise (see [`settling`]).
    static SETTLING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `call`, an engine call that settles a promise for Rust (a resolve
/// or reject function: bookkeeping between jobs, not script code), so that
/// the interrupt handler's next consultation on this thread answers "go
/// on" without being asked. The engine polls at the entry of every call;
/// a handler saying stop there would leave the promise pending for good
/// (the call never ran), where it should stop the reactions instead, which
/// it is asked again for. At most one consultation is skipped, so script
/// code the call reaches (a `then` getter) is still interrupted at the
/// next one. Applies to the handler `Runtime` installs; a C host's own
/// handler is the engine's to call.
pub(crate) fn settling<R>(call: impl FnOnce() -> R) -> R {
    SETTLING.set(true);
    let r = call();
    SETTLING.set(false);
    r
}

/// Whether this consultation of the interrupt handler is the one a
/// [`settling`] call skips (it is used up).
pub(crate) fn skip_interrupt_check() -> bool {
    SETTLING.replace(false)
}

/// The error the engine throws when an allocation fails.
fn out_of_memory(ctx: Ctx<'_>) -> Error {
    // SAFETY: ctx is live; the exception is taken out at once.
    unsafe { sys::JS_ThrowOutOfMemory(ctx.as_raw()) };
    ctx.catch()
}

/// Polls the runtime's interrupt handler (every call counts down the
/// engine's counter; the handler runs every few thousand calls). Call it
/// once per item in a loop whose length a script chose.
#[inline]
pub(crate) fn poll(ctx: Ctx<'_>) -> Result<()> {
    // SAFETY: ctx is live.
    if unsafe { sys::JS_PollInterrupts(ctx.as_raw()) } < 0 {
        return Err(ctx.catch());
    }
    Ok(())
}

/// How many bytes of conversion work count as one interrupt poll.
const BYTES_PER_POLL: usize = 4096;

/// Counts `bytes` of conversion work (a string or buffer copied or
/// re-encoded) against the interrupt poll, one poll per 4 KiB: a script that
/// calls a native function with megabytes in a loop reaches the handler as
/// soon as a JS loop doing the same work would.
#[inline]
pub(crate) fn charge(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
    if bytes >= BYTES_PER_POLL {
        charge_slow(ctx, bytes)?;
    }
    Ok(())
}

#[cold]
fn charge_slow(ctx: Ctx<'_>, bytes: usize) -> Result<()> {
    for _ in 0..bytes / BYTES_PER_POLL {
        poll(ctx)?;
    }
    Ok(())
}

/// Sets `rt`'s memory limit (`usize::MAX`: none), remembered for
/// [`build_context`].
///
/// # Safety
/// `rt` is live and used on this thread.
pub(crate) unsafe fn set_memory_limit(rt: *mut sys::JSRuntime, limit: usize) {
    if let Some(state) = RuntimeState::of(rt) {
        state
            .memory_limit
            .set(if limit == usize::MAX { 0 } else { limit });
    }
    // SAFETY: our caller's contract.
    unsafe { sys::JS_SetMemoryLimit(rt, limit) }
}

/// Builds a context with `build` (which returns it, or null when it failed
/// and freed what it made) as if under the memory limit, without ever
/// letting the engine meet the limit half-way: its context initialization
/// does not survive that (quickjs-ng issue #1181: `JS_NewContextRaw` frees
/// a context still linked in the GC's object list when its second
/// allocation fails, a use-after-free at the next collection, and the
/// intrinsics' setup leaves half-made objects). The limit is lifted while
/// `build` runs, then the context is freed again (a whole context frees
/// cleanly) if the runtime is now over the limit, so it is made only if it
/// fit, overshooting by at most its own size for that moment. Applies to a
/// limit set through the Rust API ([`set_memory_limit`]); a real allocation
/// failure (the system out of memory) still meets the engine's path.
///
/// # Safety
/// `rt` is live and used on this thread.
pub(crate) unsafe fn build_context(
    rt: *mut sys::JSRuntime,
    build: impl FnOnce(*mut sys::JSRuntime) -> *mut sys::JSContext,
) -> *mut sys::JSContext {
    let limit = RuntimeState::of(rt).map_or(0, |state| state.memory_limit.get());
    if limit == 0 {
        return build(rt);
    }
    // SAFETY: our caller's contract; the context is the engine's new one
    // (or null), freed at most once; the probe is a 1-byte block of rt,
    // freed at once.
    unsafe {
        sys::JS_SetMemoryLimit(rt, usize::MAX);
        let c = build(rt);
        sys::JS_SetMemoryLimit(rt, limit);
        if c.is_null() {
            return c;
        }
        let probe = sys::js_malloc_rt(rt, 1);
        if probe.is_null() {
            sys::JS_FreeContext(c);
            return std::ptr::null_mut();
        }
        sys::js_free_rt(rt, probe);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::handle::error::prefix_path;

    #[test]
    fn nesting_is_bounded_and_unwinds() {
        let mut guards = Vec::new();
        for _ in 0..MAX_DEPTH {
            guards.push(Nested::enter_rust().unwrap());
        }
        let e = Nested::enter_rust().err().unwrap();
        let mut e = e.to_string().trim_start_matches("RangeError: ").to_string();
        for i in 0..MAX_DEPTH {
            e = prefix_path(&format!("property \"{i}\""), &e).unwrap();
        }
        assert!(e.starts_with("property \"127\": property \"126\""), "{e}");
        assert!(
            e.ends_with("...: property \"0\": value nested deeper than 128 levels"),
            "{e}"
        );
        assert!(prefix_path("x", "expected number").is_none());
        guards.pop();
        let again = Nested::enter_rust().unwrap();
        drop(again);
        drop(guards);
        PATH.with_borrow(|p| assert!(p.is_empty()));
    }

    #[test]
    fn a_repeated_object_is_a_cycle_only_while_it_is_open() {
        let a = Nested::push(8).unwrap();
        let b = Nested::push(16).unwrap();
        assert!(Nested::push(8).is_err());
        drop(b);
        let b2 = Nested::push(16).unwrap(); // a sibling, not a cycle
        drop((b2, a));
        PATH.with_borrow(|p| assert!(p.is_empty()));
    }
}
