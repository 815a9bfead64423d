//! The calling thread's stack, and the JS stack limit that fits in it.
//!
//! The engine stops JS recursion (`RangeError: Maximum call stack size
//! exceeded`) where the C stack pointer goes below `stack_top - stack_size`:
//! the stack top is recorded by `JS_UpdateStackTop` (the outermost entry on
//! a thread), the size is the runtime's limit (`JS_SetMaxStackSize`, 1 MiB
//! by default). Nothing in the engine knows how big the thread's stack is:
//! on a 256 KiB thread the default lets JS recurse past the stack's end, and
//! Rust aborts the process ("thread has overflowed its stack").
//!
//! So every time the stack top is recorded (the `Runtime`'s lock taken
//! outermost on a thread or taken back after a wait, `rust_bind_thread`,
//! `Runtime::new`) or a limit requested ([`StackLimit`]), the size given to
//! the engine is the request clamped to what this thread has left below the
//! stack top, less [`MARGIN`]: room for what runs below the engine's check
//! without checking again (the frames of a native call, its conversions and
//! Rust code up to the next JS call or `eval`, the engine's error path that
//! builds the `RangeError` and its backtrace).
//!
//! Invariant: while a runtime is used by a thread whose stack bounds are
//! known, its engine limit (`stack_top - stack_size`) lies at least
//! [`MARGIN`] bytes above the lowest usable address of that thread's stack
//! (less the few bytes between the engine's recorded top and ours). A
//! thread's stack does not move, so its bounds are read from the OS once per
//! thread and cached.
//!
//! Platforms: Linux and Android (`pthread_getattr_np`; for the main thread,
//! where glibc reports a size from `RLIMIT_STACK`, that limit is applied
//! and with an unlimited one the kernel's 1 MiB guard gap kept free),
//! FreeBSD and DragonFly (`pthread_attr_get_np`), macOS and iOS
//! (`pthread_get_stackaddr_np`/`pthread_get_stacksize_np`), Windows
//! (`GetCurrentThreadStackLimits`, less the pages Windows keeps for its
//! guard and overflow handling). Elsewhere the bounds are unknown and the
//! request is passed through unchanged, as before.

use quickjs_sys as sys;
use std::cell::Cell;

/// The stack left free below the engine's limit: the most that code below a
/// passed check may use before the next check (see the module docs).
///
/// Measured on a painted stack (`margin_needed` in `tests/stack_limits.rs`:
/// how far below the limit each path went, when entered from the deepest
/// frame that may still call): the engine's own `RangeError` path 7 KiB;
/// a Rust closure called there that evaluates a script, throws, converts
/// arguments (a `Vec<String>`, a `HashMap`) and calls back into JS, or
/// reads an error through a getter that calls Rust: 11.7 KiB in release,
/// 18.4 KiB in debug; a closure that panics with `RUST_BACKTRACE=1` (the
/// default hook resolving symbols): 21.7 KiB in release, 25.3 KiB in debug.
/// Debug builds' Rust frames are bigger (no inlining, every temporary on
/// the stack; the engine's C is built at -O2 in both), hence two values,
/// about 2.7x (release) and 3.5x (debug) the usual paths and 1.5x / 2.5x
/// the panic with a backtrace; user code in a native function gets what
/// its frames leave of it.
pub(crate) const MARGIN: usize = if cfg!(debug_assertions) {
    64 << 10
} else {
    32 << 10
};

thread_local! {
    /// This thread's stack bounds, `[low, high)`: `None` until read,
    /// `Some(None)` when the platform does not tell.
    static BOUNDS: Cell<Option<Option<(usize, usize)>>> = const { Cell::new(None) };
}

/// This thread's usable stack, `[low, high)` (read once per thread).
pub(crate) fn bounds() -> Option<(usize, usize)> {
    BOUNDS.with(|b| match b.get() {
        Some(known) => known,
        None => {
            let known = os::query().filter(|&(low, high)| low < high);
            b.set(Some(known));
            known
        }
    })
}

/// About the calling function's stack pointer (an address in its caller's
/// frame area: this function is never inlined, so its frame sits where any
/// other callee's would).
#[inline(never)]
pub(crate) fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The message of a `RangeError` for Rust code out of stack (the engine's
/// own words).
pub(crate) const EXHAUSTED: &str = "Maximum call stack size exceeded";

thread_local! {
    /// Where recursive Rust code stops on this thread: `RESERVE` above the
    /// stack's low bound (0: not read yet; 1: unknown bounds, no floor).
    static FLOOR: Cell<usize> = const { Cell::new(0) };
}

/// The stack that recursive Rust code (conversions) leaves free when it
/// refuses to go deeper: what its error path and the way back need.
const RESERVE: usize = MARGIN / 2;

/// Whether the caller is within [`RESERVE`] of this thread's stack end
/// (never, when the bounds are unknown): a recursive conversion stops
/// there with a `RangeError` instead of overflowing the stack. A native
/// call starts with about [`MARGIN`] below the engine's limit, so
/// conversions get the other half.
#[inline]
pub(crate) fn exhausted() -> bool {
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    let floor = match FLOOR.get() {
        0 => {
            let floor = bounds().map_or(1, |(low, _)| low.saturating_add(RESERVE));
            FLOOR.set(floor);
            floor
        }
        floor => floor,
    };
    here < floor
}

/// The size to give `JS_SetMaxStackSize` for a stack top at `top` on this
/// thread: `request` (0: none) clamped to the room below `top` less
/// [`MARGIN`]; never 0 (no limit) when the bounds are known: 1 when there is
/// no room (every JS call is then a `RangeError`).
pub(crate) fn clamp(request: usize, top: usize) -> usize {
    let Some((low, _)) = bounds() else {
        return request;
    };
    let room = top.saturating_sub(low).saturating_sub(MARGIN).max(1);
    if request == 0 {
        room
    } else {
        request.min(room)
    }
}

/// A runtime's stack limit: the size its user asked for and the stack top
/// last recorded on the thread using it (kept in the runtime's Rust state,
/// so that an entry from another thread computes the limit for that
/// thread from the request, not from the last clamped value).
pub(crate) struct StackLimit {
    /// The requested size in bytes (0: no limit); the engine's default
    /// until set.
    request: Cell<usize>,
    /// Our record of the engine's stack top (0: none yet).
    top: Cell<usize>,
    /// The thread that recorded `top` (see `engine::handle::sync::thread_token`).
    thread: Cell<usize>,
}

impl Default for StackLimit {
    fn default() -> Self {
        StackLimit {
            request: Cell::new(sys::JS_DEFAULT_STACK_SIZE as usize),
            top: Cell::new(0),
            thread: Cell::new(0),
        }
    }
}

impl StackLimit {
    /// Records the caller's stack position as the engine's stack top and
    /// sets the limit that fits below it on this thread.
    ///
    /// # Safety
    /// `rt` live and used by the calling thread only (e.g. locked).
    pub(crate) unsafe fn enter(&self, rt: *mut sys::JSRuntime) {
        // Measured in a callee, as JS_UpdateStackTop measures its own frame.
        let top = stack_pointer();
        let thread = super::sync::thread_token();
        if top == self.top.get() && thread == self.thread.get() {
            // Entered again from where the limit was set (a host calling
            // `Context::with` in a loop): the engine's top and limit are
            // what they would be set to.
            return;
        }
        // SAFETY: our contract.
        unsafe { sys::JS_UpdateStackTop(rt) };
        self.top.set(top);
        self.thread.set(thread);
        // SAFETY: our contract.
        unsafe { self.apply(rt) };
    }

    /// Sets the requested size (`None`: no limit beyond the thread's own
    /// stack) and the limit that fits on this thread.
    ///
    /// # Safety
    /// As [`StackLimit::enter`].
    pub(crate) unsafe fn set_request(&self, rt: *mut sys::JSRuntime, bytes: Option<usize>) {
        self.request.set(bytes.map_or(0, |b| b.max(1)));
        let top = self.top.get();
        let ours = match bounds() {
            Some((low, high)) => (low..high).contains(&top),
            None => top != 0,
        };
        if ours {
            // SAFETY: our contract.
            unsafe { self.apply(rt) }
        } else {
            // The top was recorded on another thread (or never): record
            // this thread's.
            // SAFETY: our contract.
            unsafe { self.enter(rt) }
        }
    }

    /// # Safety
    /// As [`StackLimit::enter`].
    unsafe fn apply(&self, rt: *mut sys::JSRuntime) {
        let size = clamp(self.request.get(), self.top.get());
        // SAFETY: our contract.
        unsafe { sys::JS_SetMaxStackSize(rt, size) };
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod os {
    /// The kernel keeps this much free below a growing main-thread stack
    /// (`stack_guard_gap`, 256 pages by default).
    const GUARD_GAP: usize = 1 << 20;

    pub(super) fn query() -> Option<(usize, usize)> {
        let (mut low, high) = attr_stack()?;
        // SAFETY: plain system calls.
        let main = unsafe { libc::getpid() == libc::gettid() };
        if main {
            // The main thread's stack grows on demand up to RLIMIT_STACK:
            // glibc reports that size (cut at the mapping below); musl
            // what is mapped now. Never count more than the limit allows,
            // nor the guard gap when it is unlimited.
            let mut lim = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            // SAFETY: lim is a valid out-pointer.
            if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut lim) } == 0 {
                if lim.rlim_cur == libc::RLIM_INFINITY {
                    low = low.saturating_add(GUARD_GAP);
                } else {
                    low = low.max(high.saturating_sub(lim.rlim_cur as usize));
                }
            }
        }
        Some((low, high))
    }

    /// The calling thread's stack as its attributes tell.
    fn attr_stack() -> Option<(usize, usize)> {
        // SAFETY: pthread_getattr_np initializes attr on success, and it is
        // destroyed exactly once then; the out-pointers point to locals.
        unsafe {
            let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
            if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
                return None;
            }
            let mut addr = std::ptr::null_mut();
            let mut size = 0;
            let got = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
            libc::pthread_attr_destroy(attr.as_mut_ptr());
            let low = addr as usize;
            got.then_some((low, low.checked_add(size)?))
        }
    }
}

#[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
mod os {
    pub(super) fn query() -> Option<(usize, usize)> {
        // SAFETY: attr is initialized by pthread_attr_init and destroyed
        // once; the out-pointers point to locals.
        unsafe {
            let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
            if libc::pthread_attr_init(attr.as_mut_ptr()) != 0 {
                return None;
            }
            let mut addr = std::ptr::null_mut();
            let mut size = 0;
            let got = libc::pthread_attr_get_np(libc::pthread_self(), attr.as_mut_ptr()) == 0
                && libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
            libc::pthread_attr_destroy(attr.as_mut_ptr());
            let low = addr as usize;
            got.then_some((low, low.checked_add(size)?))
        }
    }
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
mod os {
    pub(super) fn query() -> Option<(usize, usize)> {
        // SAFETY: plain queries about the calling thread.
        let (high, size) = unsafe {
            let me = libc::pthread_self();
            (
                libc::pthread_get_stackaddr_np(me) as usize,
                libc::pthread_get_stacksize_np(me),
            )
        };
        Some((high.checked_sub(size)?, high))
    }
}

#[cfg(windows)]
mod os {
    /// Windows keeps the lowest pages of a stack for its guard page and
    /// the stack-overflow handler's guarantee (Rust's std asks 20 KiB):
    /// not usable by the thread's own frames.
    const RESERVED: usize = 64 << 10;

    #[link(name = "kernel32")]
    extern "system" {
        fn GetCurrentThreadStackLimits(low: *mut usize, high: *mut usize);
    }

    pub(super) fn query() -> Option<(usize, usize)> {
        let (mut low, mut high) = (0usize, 0usize);
        // SAFETY: both out-pointers point to locals.
        unsafe { GetCurrentThreadStackLimits(&mut low, &mut high) };
        Some((low.checked_add(RESERVED)?, high))
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "macos",
    target_os = "ios",
    windows
)))]
mod os {
    pub(super) fn query() -> Option<(usize, usize)> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bounds_hold_this_thread_and_match_its_size() {
        let here = stack_pointer();
        let (low, high) = bounds().expect("known on this platform");
        assert!(low < here && here < high, "{low:#x} {here:#x} {high:#x}");
        let (low, high) = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(|| bounds().unwrap())
            .unwrap()
            .join()
            .unwrap();
        let size = high - low;
        // The requested size, rounded up, plus what the C library keeps at
        // the top (TLS) and less its guard page.
        assert!((200 << 10..400 << 10).contains(&size), "{size}");
    }

    #[test]
    fn the_clamp_keeps_the_margin_and_the_request() {
        let (low, _) = bounds().unwrap();
        let top = stack_pointer();
        let room = top - low - MARGIN;
        assert_eq!(clamp(0, top), room);
        assert_eq!(clamp(usize::MAX, top), room);
        assert_eq!(clamp(1000, top), 1000);
        assert_eq!(clamp(1000, low + 10), 1);
    }
}
