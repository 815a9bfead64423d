//! Errors: what JS threw (its kind, message and stack), and what Rust
//! throws back into JS. Without `alloc` the texts are kept in fixed
//! buffers inside the error (cut at a character boundary): no allocation.

use core::fmt;

/// What kind of error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `Error` (or a value that is not an error object was thrown).
    Error,
    /// `TypeError`: a wrong argument, a missing `this`, ...
    TypeError,
    /// `RangeError`.
    RangeError,
    /// `ReferenceError`.
    ReferenceError,
    /// `SyntaxError`: the source does not parse.
    SyntaxError,
    /// `InternalError` (a Rust panic in a native function is one).
    InternalError,
    /// The context's buffer is full (or too small for a context).
    OutOfMemory,
    /// The interrupt handler stopped the script (uncatchable in JS).
    Interrupted,
}

impl ErrorKind {
    /// The JS constructor's name.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Error => "Error",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::RangeError => "RangeError",
            ErrorKind::ReferenceError => "ReferenceError",
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::InternalError | ErrorKind::OutOfMemory | ErrorKind::Interrupted => {
                "InternalError"
            }
        }
    }

    pub(crate) fn class(self) -> core::ffi::c_int {
        use mquickjs_sys as sys;
        match self {
            ErrorKind::Error => sys::JS_CLASS_ERROR,
            ErrorKind::TypeError => sys::JS_CLASS_TYPE_ERROR,
            ErrorKind::RangeError => sys::JS_CLASS_RANGE_ERROR,
            ErrorKind::ReferenceError => sys::JS_CLASS_REFERENCE_ERROR,
            ErrorKind::SyntaxError => sys::JS_CLASS_SYNTAX_ERROR,
            _ => sys::JS_CLASS_INTERNAL_ERROR,
        }
    }

    pub(crate) fn from_name(name: &str) -> ErrorKind {
        match name {
            "TypeError" => ErrorKind::TypeError,
            "RangeError" => ErrorKind::RangeError,
            "ReferenceError" => ErrorKind::ReferenceError,
            "SyntaxError" => ErrorKind::SyntaxError,
            "InternalError" => ErrorKind::InternalError,
            _ => ErrorKind::Error,
        }
    }
}

/// A text: a `String` with `alloc`, else up to 120 bytes inline.
#[derive(Clone)]
pub(crate) struct Text {
    #[cfg(feature = "alloc")]
    s: alloc::string::String,
    #[cfg(not(feature = "alloc"))]
    buf: [u8; 120],
    #[cfg(not(feature = "alloc"))]
    len: usize,
}

// Not derivable without `alloc`: `[u8; 120]` has no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for Text {
    fn default() -> Text {
        Text {
            #[cfg(feature = "alloc")]
            s: alloc::string::String::new(),
            #[cfg(not(feature = "alloc"))]
            buf: [0; 120],
            #[cfg(not(feature = "alloc"))]
            len: 0,
        }
    }
}

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        #[cfg(feature = "alloc")]
        return &self.s;
        #[cfg(not(feature = "alloc"))]
        // SAFETY: `push` only copies whole characters of a `&str`.
        return unsafe { core::str::from_utf8_unchecked(&self.buf[..self.len]) };
    }

    pub(crate) fn push(&mut self, s: &str) {
        #[cfg(feature = "alloc")]
        self.s.push_str(s);
        #[cfg(not(feature = "alloc"))]
        for c in s.chars() {
            let n = c.len_utf8();
            if self.len + n > self.buf.len() {
                break;
            }
            c.encode_utf8(&mut self.buf[self.len..]);
            self.len += n;
        }
    }
}

impl fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s);
        Ok(())
    }
}

/// An error from JS (what it threw), or one a native function throws.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: Text,
    stack: Text,
}

impl Error {
    /// An error of `kind` with `message` (to throw from a `#[js]` function:
    /// return `Err(Error::new(ErrorKind::RangeError, "too big"))`).
    pub fn new(kind: ErrorKind, message: &str) -> Error {
        let mut e = Error {
            kind,
            message: Text::default(),
            stack: Text::default(),
        };
        e.message.push(message);
        e
    }

    /// A `TypeError`.
    pub fn type_error(message: &str) -> Error {
        Error::new(ErrorKind::TypeError, message)
    }

    /// A `RangeError`.
    pub fn range_error(message: &str) -> Error {
        Error::new(ErrorKind::RangeError, message)
    }

    /// An error whose message is written with `format_args!` (no
    /// allocation without `alloc`).
    pub fn with_args(kind: ErrorKind, args: fmt::Arguments<'_>) -> Error {
        let mut e = Error::new(kind, "");
        let _ = fmt::write(&mut e.message, args);
        e
    }

    /// Its kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Its message (`e.message`).
    pub fn message(&self) -> &str {
        self.message.as_str()
    }

    /// Its stack (`e.stack`: a line per frame, `    at f (file:line:col)`),
    /// empty if the thrown value had none.
    pub fn stack(&self) -> &str {
        self.stack.as_str()
    }

    pub(crate) fn set_stack(&mut self, s: &str) {
        self.stack.push(s);
    }

    pub(crate) fn message_mut(&mut self) -> &mut Text {
        &mut self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::OutOfMemory if self.message().is_empty() => {
                f.write_str("InternalError: out of memory")
            }
            _ => write!(f, "{}: {}", self.kind.name(), self.message()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        if !self.stack().is_empty() {
            write!(f, "\n{}", self.stack().trim_end())?;
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// A result whose error is an [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
