//! The POSIX signal: an `eventfd` on Linux and Android (one fd, a
//! counter), and elsewhere a non-blocking self-pipe (macOS, the BSDs; the
//! read end is the wake fd, a byte written to the other end makes it
//! readable). `QUICKJS_RUST_WAKE=pipe` forces the pipe on Linux too (read
//! once per process), so the fallback is tested where CI runs.

use super::os_error;
use crate::engine::handle::error::Result;
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};
use std::time::Duration;

/// The wake fd and how to raise and clear it.
///
/// The fds are closed by [`Signal::close`] (or the drop), which needs no
/// `&mut`: the signal is shared with wakers that outlive the runtime. Its
/// caller ([`crate::exec::wake::Wake`]) makes sure that no `raise` runs
/// with it or after it (they are serialized by a lock, which also orders
/// these `Relaxed` accesses), and that the runtime's side (`clear`, `wait`,
/// `fd`) is done with the signal first.
pub(crate) struct Signal {
    /// The fd to poll (the eventfd, or the pipe's read end); -1 once closed.
    read: AtomicI32,
    /// The pipe's write end; -1 for an eventfd (written through `read`), or
    /// once closed.
    write: AtomicI32,
}

impl Signal {
    /// A new signal: the eventfd where there is one, unless the pipe is
    /// forced (`QUICKJS_RUST_WAKE=pipe`).
    pub(crate) fn new() -> Result<Self> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if !pipe_forced() {
            return Self::eventfd();
        }
        Self::pipe()
    }

    /// Owns `read` (and `write`, if any).
    fn from_fds(read: OwnedFd, write: Option<OwnedFd>) -> Self {
        Signal {
            read: AtomicI32::new(read.into_raw_fd()),
            write: AtomicI32::new(write.map_or(-1, |w| w.into_raw_fd())),
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn eventfd() -> Result<Self> {
        // SAFETY: plain syscall; the fd is owned by the OwnedFd below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(os_error("eventfd"));
        }
        // SAFETY: fd is a fresh descriptor nobody else owns.
        Ok(Self::from_fds(unsafe { OwnedFd::from_raw_fd(fd) }, None))
    }

    /// A self-pipe, both ends non-blocking and close-on-exec (set with
    /// `fcntl`: `pipe2` is not everywhere).
    fn pipe() -> Result<Self> {
        let mut fds = [0; 2];
        // SAFETY: writes two fresh descriptors into `fds`.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } < 0 {
            return Err(os_error("pipe"));
        }
        // SAFETY: both are fresh descriptors nobody else owns.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        for fd in fds {
            // SAFETY: fcntl on our own open descriptors.
            let ok = unsafe {
                let fl = libc::fcntl(fd, libc::F_GETFL);
                fl >= 0
                    && libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) >= 0
                    && libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) >= 0
            };
            if !ok {
                return Err(os_error("fcntl on the wake pipe"));
            }
        }
        Ok(Self::from_fds(read, Some(write)))
    }

    /// Whether this is a pipe (else an eventfd), while open.
    fn is_pipe(&self) -> bool {
        self.write.load(Relaxed) >= 0
    }

    /// Closes the fds now (see the type's docs for who may call it when);
    /// afterwards the signal does nothing and its fd is -1.
    pub(crate) fn close(&self) {
        for fd in [self.read.swap(-1, Relaxed), self.write.swap(-1, Relaxed)] {
            if fd >= 0 {
                // SAFETY: our own descriptor, taken out of the signal by the
                // swap: closed once, and never used by it again.
                drop(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
    }

    /// Makes the fd readable (from any thread; never with or after
    /// [`Signal::close`]). Once closed, nothing.
    pub(crate) fn raise(&self) {
        let write = self.write.load(Relaxed);
        if write >= 0 {
            // SAFETY: writes 1 byte from a live buffer to our own open
            // non-blocking pipe (not closed: our caller's contract); a full
            // pipe (EAGAIN) is already readable.
            unsafe { libc::write(write, [1u8].as_ptr().cast(), 1) };
            return;
        }
        let read = self.read.load(Relaxed);
        if read >= 0 {
            let one = 1u64;
            // SAFETY: writes 8 bytes from a live u64 to our own open eventfd
            // (as above); a saturated counter (EAGAIN) is already readable.
            unsafe { libc::write(read, (&one as *const u64).cast(), 8) };
        }
    }

    /// Reads the fd empty (on the JS thread). Once closed, nothing.
    pub(crate) fn clear(&self) {
        let fd = self.read.load(Relaxed);
        if fd < 0 {
            return;
        }
        match self.is_pipe() {
            true => {
                let mut buf = [0u8; 64];
                // SAFETY: reads into a live buffer of its length from our own
                // non-blocking pipe, until it is empty (or fails).
                while unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
                    == buf.len() as isize
                {}
            }
            false => {
                let mut count = 0u64;
                // SAFETY: reads 8 bytes into a live u64 from our own
                // non-blocking eventfd (resetting its counter).
                unsafe { libc::read(fd, (&mut count as *mut u64).cast(), 8) };
            }
        }
    }

    /// The fd to poll for reading (-1 once closed).
    pub(crate) fn fd(&self) -> RawFd {
        self.read.load(Relaxed)
    }

    /// Sleeps in `poll(2)` (EINTR retried) until the fd is readable or
    /// `timeout` passed. Once closed, returns at once.
    pub(crate) fn wait(&self, timeout: Option<Duration>) {
        let fd = self.fd();
        if fd < 0 {
            return;
        }
        let timeout_ms = super::timeout_ms(timeout);
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        while unsafe { libc::poll(&mut p, 1, timeout_ms) } < 0
            && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {}
    }

    /// Which mechanism this is (`"eventfd"` or `"pipe"`).
    #[cfg(test)]
    pub(super) fn kind(&self) -> &'static str {
        if self.is_pipe() {
            "pipe"
        } else {
            "eventfd"
        }
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.close();
    }
}

/// Whether `QUICKJS_RUST_WAKE=pipe` asks for the pipe (read once).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn pipe_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var_os("QUICKJS_RUST_WAKE").is_some_and(|v| v == "pipe"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(s: &Signal) -> bool {
        let mut p = libc::pollfd {
            fd: s.fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait.
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    }

    #[test]
    fn both_mechanisms_raise_and_clear() {
        let mut signals = vec![Signal::pipe().unwrap()];
        #[cfg(any(target_os = "linux", target_os = "android"))]
        signals.push(Signal::eventfd().unwrap());
        for s in &signals {
            assert!(!readable(s), "{}", s.kind());
            s.raise();
            s.raise();
            assert!(readable(s), "{}", s.kind());
            s.clear();
            assert!(!readable(s), "{}", s.kind());
            // Many raises (more than a pipe holds) stay one readable fd,
            // cleared in one go.
            for _ in 0..100_000 {
                s.raise();
            }
            assert!(readable(s), "{}", s.kind());
            s.clear();
            assert!(!readable(s), "{}", s.kind());
        }
    }

    #[test]
    fn a_closed_signal_forgets_its_fds_and_does_nothing() {
        let mut signals = vec![Signal::pipe().unwrap()];
        #[cfg(any(target_os = "linux", target_os = "android"))]
        signals.push(Signal::eventfd().unwrap());
        for s in &signals {
            // (Whether the numbers are closed is checked by the C host's
            // late-wake mode: here other tests' threads may reuse them.)
            s.close();
            assert_eq!(s.fd(), -1);
            assert_eq!(s.write.load(Relaxed), -1);
            // Closed: no write to a number that may be someone else's now.
            s.raise();
            s.clear();
            s.wait(None);
            s.close();
        }
    }
}
