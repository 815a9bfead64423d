//! The POSIX signal: an `eventfd` on Linux and Android (one fd, a
//! counter), and elsewhere a non-blocking self-pipe (macOS, the BSDs; the
//! read end is the wake fd, a byte written to the other end makes it
//! readable). `QUICKJS_RUST_WAKE=pipe` forces the pipe on Linux too (read
//! once per process), so the fallback is tested where CI runs.

use super::os_error;
use crate::core::error::Result;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// The wake fd and how to raise and clear it.
pub(crate) struct Signal {
    /// The fd to poll (the eventfd, or the pipe's read end).
    read: OwnedFd,
    /// The pipe's write end (`None`: an eventfd, written through `read`).
    write: Option<OwnedFd>,
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

    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn eventfd() -> Result<Self> {
        // SAFETY: plain syscall; the fd is owned by the OwnedFd below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(os_error("eventfd"));
        }
        Ok(Signal {
            // SAFETY: fd is a fresh descriptor nobody else owns.
            read: unsafe { OwnedFd::from_raw_fd(fd) },
            write: None,
        })
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
        for fd in [&read, &write] {
            let fd = fd.as_raw_fd();
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
        Ok(Signal {
            read,
            write: Some(write),
        })
    }

    /// Makes the fd readable (from any thread).
    pub(crate) fn raise(&self) {
        match &self.write {
            // SAFETY: writes 1 byte from a live buffer to our own
            // non-blocking pipe; a full pipe (EAGAIN) is already readable.
            Some(w) => unsafe {
                libc::write(w.as_raw_fd(), [1u8].as_ptr().cast(), 1);
            },
            None => {
                let one = 1u64;
                // SAFETY: writes 8 bytes from a live u64 to our own eventfd;
                // a saturated counter (EAGAIN) is already readable.
                unsafe { libc::write(self.read.as_raw_fd(), (&one as *const u64).cast(), 8) };
            }
        }
    }

    /// Reads the fd empty (on the JS thread).
    pub(crate) fn clear(&self) {
        let fd = self.read.as_raw_fd();
        match self.write {
            Some(_) => {
                let mut buf = [0u8; 64];
                // SAFETY: reads into a live buffer of its length from our own
                // non-blocking pipe, until it is empty (or fails).
                while unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
                    == buf.len() as isize
                {}
            }
            None => {
                let mut count = 0u64;
                // SAFETY: reads 8 bytes into a live u64 from our own
                // non-blocking eventfd (resetting its counter).
                unsafe { libc::read(fd, (&mut count as *mut u64).cast(), 8) };
            }
        }
    }

    /// The fd to poll for reading.
    pub(crate) fn fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }

    /// Sleeps in `poll(2)` (EINTR retried) until the fd is readable or
    /// `timeout` passed.
    pub(crate) fn wait(&self, timeout: Option<Duration>) {
        let timeout_ms = super::timeout_ms(timeout);
        let mut p = libc::pollfd {
            fd: self.fd(),
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
        if self.write.is_some() {
            "pipe"
        } else {
            "eventfd"
        }
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
}
