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

use super::ctx::Ctx;
use super::error::{Error, ErrorKind, Panic, Result};
use super::state::{Note, RuntimeState};
use super::value::Value;
use quickjs_sys as sys;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};

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
        if super::stack::exhausted() {
            // Started close to the engine's stack limit (a call from deep
            // recursion): the thread's stack ends before MAX_DEPTH does.
            return Err(Error::range_error(super::stack::EXHAUSTED));
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

const NESTED: &str = "value nested deeper than";
const CYCLIC: &str = "cyclic value: it contains itself";

/// How many path segments a nesting or cycle error keeps.
const PATH_SEGMENTS: usize = 8;

/// `prefix: message` for a nesting or cycle error, with its path cut to
/// the outermost segments, `...` and the innermost one (`None`: another
/// error, prefixed as usual).
pub(crate) fn prefix_path(prefix: &str, message: &str) -> Option<String> {
    let at = message.find(NESTED).or_else(|| message.find(CYCLIC))?;
    let (path, reason) = message.split_at(at);
    let mut segments: Vec<&str> = std::iter::once(prefix)
        .chain(path.split(": ").filter(|s| !s.is_empty()))
        .collect();
    if segments.len() > PATH_SEGMENTS {
        // Drop the segment just inside the `...` (or the one before the
        // innermost, the first time).
        let dots = segments.iter().position(|s| *s == "...");
        let drop_at = dots.map_or(segments.len() - 2, |d| d - 1);
        segments.remove(drop_at);
        if dots.is_none() {
            segments.insert(segments.len() - 1, "...");
        }
    }
    Some(format!("{}: {reason}", segments.join(": ")))
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

/// How many interrupts have reached Rust, in any runtime on any thread: a
/// sequence number. A native call reads it at each end (a relaxed load, no
/// write); only a call during which it moved looks further.
static INTERRUPTS: AtomicU64 = AtomicU64::new(0);

/// Records an interrupt (or `panic`) of this thread in `state` (each
/// runtime keeps its own, by thread: a native call of runtime A that
/// enters runtime B, both interrupted, still ends A's script; and a call
/// whose thread released the lock in a wait does not end with what another
/// thread met meanwhile); gives back the panic it replaces, to drop with no
/// borrow held.
fn note(state: &RuntimeState, panic: Option<Panic>) -> Option<Panic> {
    let seq = INTERRUPTS.fetch_add(1, Ordering::Relaxed) + 1;
    let thread = super::sync::thread_token();
    let mut notes = state.notes.borrow_mut();
    match notes.iter_mut().find(|n| n.thread == thread) {
        Some(n) => {
            n.seq = seq;
            std::mem::replace(&mut n.panic, panic)
        }
        None => {
            notes.push(Note { thread, seq, panic });
            None
        }
    }
}

/// This thread's last note in `state` after sequence number `since`:
/// `Some(None)` an interrupt, `Some(Some(panic))` a panic.
fn noted_since(state: &RuntimeState, since: u64) -> Option<Option<Panic>> {
    let thread = super::sync::thread_token();
    let notes = state.notes.borrow();
    let n = notes.iter().find(|n| n.thread == thread && n.seq > since)?;
    Some(n.panic.clone())
}

/// Sets `rt`'s memory limit (`usize::MAX`: none), remembered for
/// [`build_context`].
///
/// # Safety
/// `rt` is live and used on this thread.
pub(crate) unsafe fn set_memory_limit(rt: *mut sys::JSRuntime, limit: usize) {
    if let Some(state) = RuntimeState::of(rt) {
        state.memory_limit
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

/// Records that `ctx`'s runtime's interrupt error reached Rust.
#[cold]
pub(crate) fn note_interrupt(ctx: Ctx<'_>) {
    match RuntimeState::of(ctx.rt()) {
        Some(state) => drop(note(state, None)),
        None => {
            INTERRUPTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Records `panic` as thrown into `ctx`'s runtime's JS (an interrupt of
/// its own: see [`note`]).
#[cold]
pub(crate) fn note_panic(ctx: Ctx<'_>, panic: &Panic) {
    if let Some(state) = RuntimeState::of(ctx.rt()) {
        drop(note(state, Some(panic.clone())));
    }
}

/// Whether a panic in `ctx`'s runtime ends the script (the default) rather
/// than being a catchable error.
pub(crate) fn panic_ends_script(ctx: Ctx<'_>) -> bool {
    RuntimeState::of(ctx.rt()).is_some_and(|state| !state.panics_catchable.get())
}

/// A Rust future of `ctx` panicked: instead of settling its promise (a
/// script could catch the rejection and go on), a job is queued in its
/// context that throws the panic, uncatchable: the job loop that runs it
/// (`JS_ExecutePendingJob` in any host) ends with it, and the Rust caller
/// gets [`Error::Panic`]. The job's argument, a function of the context,
/// keeps the context alive while the job is queued (the engine's job holds
/// no reference of its own).
pub(crate) fn end_with_panic(ctx: Ctx<'_>, panic: Panic) {
    let Some(state) = RuntimeState::of(ctx.rt()) else {
        return;
    };
    let c = ctx.as_raw();
    // SAFETY: c is live; the function is ours until handed to the job.
    let keeper = unsafe {
        sys::JS_NewCFunction2(
            c,
            Some(keeps_realm),
            c"panic".as_ptr(),
            0,
            sys::JS_CFUNC_generic,
            0,
        )
    };
    let mut arg = keeper;
    // SAFETY: c is live; the job takes its own reference to the argument
    // (freed by the engine with the job, run or not).
    let queued = !sys::JS_IsException(keeper)
        && unsafe { sys::JS_EnqueueJob(c, Some(throw_panic_job), 1, &mut arg) } >= 0;
    // SAFETY: our reference (an exception value needs no free).
    unsafe { sys::JS_FreeValue(c, keeper) };
    if queued {
        state.to_throw.borrow_mut().push((c as usize, panic));
    } else {
        // Out of memory: no job throws it; the engine's error is dropped.
        // SAFETY: c is live; the pending exception is ours.
        unsafe { sys::JS_FreeValue(c, sys::JS_GetException(c)) };
    }
}

/// The job argument of [`end_with_panic`]: a function, never called, that
/// keeps its realm alive.
unsafe extern "C" fn keeps_realm(
    _ctx: *mut sys::JSContext,
    _this: sys::JSValue,
    _argc: std::os::raw::c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    sys::JS_UNDEFINED
}

/// The job of [`end_with_panic`]: throws its context's oldest panic queued.
unsafe extern "C" fn throw_panic_job(
    ctx: *mut sys::JSContext,
    _argc: std::os::raw::c_int,
    _argv: *mut sys::JSValue,
) -> sys::JSValue {
    // SAFETY: the engine runs a job with a live context (kept alive by the
    // job's argument).
    let ctx = unsafe { Ctx::from_raw(ctx) };
    crate::core::boundary::no_unwind(sys::JS_UNDEFINED, || {
        let panic = RuntimeState::of(ctx.rt()).and_then(|state| {
            let mut queue = state.to_throw.borrow_mut();
            let i = queue
                .iter()
                .position(|(c, _)| *c == ctx.as_raw() as usize)?;
            Some(queue.remove(i).1)
        });
        match panic {
            Some(p) => ctx.throw(Error::Panic(p)),
            None => sys::JS_UNDEFINED,
        }
    })
}

/// The panic whose uncatchable error `exc` is, if `ctx`'s runtime threw one
/// with its message (JS cannot throw an uncatchable error; Bellard's
/// releases cannot tell, so there the message alone decides).
#[cold]
pub(crate) fn panic_thrown(
    ctx: Ctx<'_>,
    exc: &Value<'_>,
    message: &str,
) -> Option<Panic> {
    #[cfg(not(quickjs_bellard))]
    // SAFETY: a live value.
    if !unsafe { sys::JS_IsUncatchableError(exc.as_raw()) } {
        return None;
    }
    #[cfg(quickjs_bellard)]
    let _ = exc;
    let state = RuntimeState::of(ctx.rt())?;
    let notes = state.notes.borrow();
    let thread = super::sync::thread_token();
    // This thread's first, then any (the error may have come in a value).
    let mut panics = notes
        .iter()
        .filter(|n| n.thread == thread)
        .chain(notes.iter().filter(|n| n.thread != thread))
        .filter_map(|n| n.panic.as_ref());
    panics.find(|p| p.js_message() == message).cloned()
}

/// Watches one native call for interrupts of its runtime that reach Rust.
#[derive(Clone, Copy)]
pub(crate) struct InterruptWatch(u64);

impl InterruptWatch {
    #[inline(always)]
    pub(crate) fn start() -> Self {
        InterruptWatch(INTERRUPTS.load(Ordering::Relaxed))
    }

    /// Whether no interrupt (of any runtime) reached Rust since
    /// [`InterruptWatch::start`].
    #[inline(always)]
    pub(crate) fn quiet(self) -> bool {
        INTERRUPTS.load(Ordering::Relaxed) == self.0
    }

    /// The interrupt error (or panic) if one of `ctx`'s runtime reached
    /// Rust on this thread since [`InterruptWatch::start`] (the call must
    /// end with it).
    #[inline(always)]
    pub(crate) fn check(self, ctx: Ctx<'_>) -> Result<()> {
        if self.quiet() {
            return Ok(());
        }
        interrupted_in(ctx, self.0)
    }
}

#[cold]
#[inline(never)]
fn interrupted_in(ctx: Ctx<'_>, since: u64) -> Result<()> {
    let noted = match RuntimeState::of(ctx.rt()) {
        Some(state) => noted_since(state, since),
        // A runtime without Rust state keeps no log: any interrupt counts.
        None => Some(None),
    };
    match noted {
        None => Ok(()), // other runtimes' or threads', handled by their own calls
        Some(Some(panic)) => Err(Error::Panic(panic)),
        Some(None) => Err(Error::Js {
            kind: ErrorKind::InternalError,
            message: INTERRUPTED.into(),
        }),
    }
}

/// The engine's interrupt message.
const INTERRUPTED: &str = "interrupted";

/// Whether `e` is the engine's interrupt error (uncatchable in JS: when a
/// Rust boundary throws it again, it must stay so).
pub(crate) fn is_interrupt(kind: ErrorKind, message: &str) -> bool {
    kind == ErrorKind::InternalError && message == INTERRUPTED
}

#[cfg(test)]
mod tests {
    use super::*;

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
