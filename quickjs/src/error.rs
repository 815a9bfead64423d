//! Errors crossing the boundary in both directions.

use std::fmt;

/// The JS error constructor an [`Error`] becomes when thrown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `Error`
    Error,
    /// `TypeError`: wrong argument count or type.
    TypeError,
    /// `RangeError`: a number out of the target type's range.
    RangeError,
    /// `InternalError`: e.g. a panic in Rust code.
    InternalError,
}

/// An error of the Rust side of the boundary.
///
/// * [`Error::Exception`]: a JS exception is pending in the context (it was
///   thrown by JS or by the engine); it propagates as is.
/// * [`Error::Js`]: a Rust-made error; thrown as a new JS error of `kind`.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A JS exception is pending in the context.
    Exception,
    /// A JS error to throw: `new <kind>(message)`.
    Js {
        /// Which constructor.
        kind: ErrorKind,
        /// The message.
        message: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A `TypeError` with `message`.
    ///
    /// ```
    /// let e = quickjs::Error::type_error("expected number, got string");
    /// assert_eq!(e.to_string(), "TypeError: expected number, got string");
    /// ```
    pub fn type_error(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::TypeError,
            message: message.into(),
        }
    }
    /// A `RangeError` with `message`.
    pub fn range_error(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::RangeError,
            message: message.into(),
        }
    }
    /// A plain `Error` with `message`.
    pub fn message(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::Error,
            message: message.into(),
        }
    }
    /// An `InternalError` with `message`.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::InternalError,
            message: message.into(),
        }
    }

    /// The same error with `prefix: ` before its message (exceptions unchanged).
    pub(crate) fn prefixed(self, prefix: fmt::Arguments<'_>) -> Self {
        match self {
            Error::Js { kind, message } => Error::Js {
                kind,
                message: format!("{prefix}: {message}"),
            },
            e => e,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Exception => f.write_str("JS exception"),
            Error::Js { kind, message } => write!(f, "{kind:?}: {message}"),
        }
    }
}

impl std::error::Error for Error {}
