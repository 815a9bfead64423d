//! Errors crossing the boundary in both directions.

use super::ctx::Ctx;
use super::held::Held;
use super::value::Value;
use crate::engine::handle::traits::FromJs;
use std::fmt;
use std::sync::Arc;

/// The JS error constructor an [`Error`] becomes when thrown.
///
/// ```
/// use quickjs::{Error, ErrorKind};
/// assert_eq!(Error::range_error("r"), Error::Js { kind: ErrorKind::RangeError, message: "r".into() });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `Error`
    Error,
    /// `TypeError`: wrong argument count or type.
    TypeError,
    /// `RangeError`: a number out of the target type's range.
    RangeError,
    /// `InternalError`: e.g. a panic in Rust code.
    InternalError,
    /// `SyntaxError`: e.g. input a parser rejects.
    SyntaxError,
    /// `ReferenceError`: e.g. a name that does not resolve.
    ReferenceError,
}

/// An error of the Rust side of the boundary.
///
/// * [`Error::Exception`]: a JS exception is pending in the context (it was
///   thrown by JS or by the engine); it propagates as is.
/// * [`Error::Js`]: a Rust-made error; thrown as a new JS error of `kind`.
/// * [`Error::Thrown`]: a JS exception taken out of the context by the
///   embedding API (`Ctx::eval`, `Function::call`, ...), with its name,
///   message and stack as Rust strings.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Error, Value};
/// let r = ctx.with(|ctx| ctx.eval::<Value>("throw new Error('boom')").map(drop));
/// assert!(matches!(r, Err(Error::Thrown(e)) if e.message == "boom"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A JS exception is pending in the context.
    Exception,
    /// A JS exception, caught.
    Thrown(Exception),
    /// A wait with a deadline ([`crate::Runtime::run_until_idle_for`],
    /// [`crate::Promise::wait_for`]) ran out of time; what it waited for is
    /// still pending. Thrown into JS as `InternalError: timed out after ..`.
    Timeout(std::time::Duration),
    /// Rust code called from JS panicked. By default a panic ends the
    /// script like an interrupt (no JS `catch` or `finally` runs on with
    /// state the panic may have left half-updated) and reaches the Rust
    /// caller as this error, with the panic's message and location;
    /// [`Panic::resume`] continues the panic. (A runtime can make panics
    /// catchable `InternalError`s instead:
    /// `Runtime::set_catch_panics_in_js`.)
    Panic(Panic),
    /// A JS error to throw: `new <kind>(message)`.
    Js {
        /// Which constructor.
        kind: ErrorKind,
        /// The message.
        message: String,
    },
}

/// A caught JS exception: what `e.name`, `e.message` and `e.stack` said.
/// A thrown non-Error value (`throw 42`) has no name or stack; its message
/// is the value as a string.
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// use quickjs::{Error, Value};
/// let Err(Error::Thrown(e)) = ctx.with(|ctx| ctx.eval::<Value>("throw 'plain'").map(drop)) else { panic!() };
/// assert_eq!((e.name, e.message.as_str()), (None, "plain"));
/// ```
#[derive(Clone, Default)]
pub struct Exception {
    /// `e.name`, e.g. `"TypeError"`.
    pub name: Option<String>,
    /// `e.message`, or `String(e)` for a non-Error value.
    pub message: String,
    /// `e.stack`, one `    at f (file:line:col)` line per frame.
    pub stack: Option<String>,
    /// The thrown value itself, while its context lives (`None` for an
    /// exception made in Rust). Returning the error to JS (`?` in a `#[js]`
    /// function or a closure) throws this same value again, so a JS `catch`
    /// further out sees the object it threw: its class (`instanceof`), its
    /// own properties, a thrown non-Error value. Read it with
    /// [`Exception::thrown`].
    pub value: Option<Arc<Held>>,
}

/// Exceptions compare by what they say (name, message, stack), not by the
/// value behind them.
impl PartialEq for Exception {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, &self.message, &self.stack) == (&other.name, &other.message, &other.stack)
    }
}

impl Exception {
    /// The thrown value itself, converted (`None`: the exception was made in
    /// Rust, or its value was released with its context).
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// use quickjs::{Error, Object};
    /// ctx.with(|ctx| {
    ///     let Err(Error::Thrown(e)) = ctx.eval::<()>("throw { code: 7 }") else { panic!() };
    ///     let thrown: Object = e.thrown(ctx).unwrap().unwrap();
    ///     assert_eq!(thrown.get::<_, i32>("code").unwrap(), 7);
    /// });
    /// ```
    pub fn thrown<'js, T: FromJs<'js>>(&self, ctx: Ctx<'js>) -> Option<Result<T>> {
        self.value_in(ctx).map(|v| T::from_js(&v))
    }

    /// The thrown value, if it is alive and of `ctx`'s runtime.
    pub(crate) fn value_in<'js>(&self, ctx: Ctx<'js>) -> Option<Value<'js>> {
        let raw = self.value.as_ref()?.dup_in(ctx)?;
        // SAFETY: a new reference to a live value of ctx's runtime.
        Some(unsafe { Value::from_raw(ctx, raw) })
    }

    /// The [`ErrorKind`] to rethrow it as, from its name.
    ///
    /// ```
    /// use quickjs::{ErrorKind, Exception};
    /// let e = Exception { name: Some("TypeError".into()), message: "m".into(), ..Default::default() };
    /// assert_eq!(e.kind(), ErrorKind::TypeError);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self.name.as_deref() {
            Some("TypeError") => ErrorKind::TypeError,
            Some("RangeError") => ErrorKind::RangeError,
            Some("InternalError") => ErrorKind::InternalError,
            Some("SyntaxError") => ErrorKind::SyntaxError,
            Some("ReferenceError") => ErrorKind::ReferenceError,
            _ => ErrorKind::Error,
        }
    }
}

/// One line, `TypeError: message`; with `{:#}` the stack follows, one
/// frame a line.
///
/// ```
/// # let ctx = quickjs::Context::full(&quickjs::Runtime::new().unwrap()).unwrap();
/// let e = ctx.with(|ctx| ctx.eval::<()>("function f() { null.x }\nf()")).unwrap_err();
/// assert_eq!(e.to_string(), "TypeError: cannot read property 'x' of null");
/// assert!(format!("{e:#}").contains("\n    at f (<eval>:1"));
/// ```
impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name}: {}", self.message)?,
            // The engine throws `null` when it cannot allocate an error
            // object (out of memory): say so, a script rarely throws null.
            None if self.message == "null" => {
                f.write_str("uncaught: null (what the engine throws when out of memory)")?
            }
            None => write!(f, "uncaught: {}", self.message)?,
        }
        if f.alternate() {
            if let Some(stack) = self.stack.as_deref().filter(|s| !s.is_empty()) {
                write!(f, "\n{}", stack.trim_end())?;
            }
        }
        Ok(())
    }
}

/// Name, message and stack (the value behind it is a JS value: not shown).
impl fmt::Debug for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exception")
            .field("name", &self.name)
            .field("message", &self.message)
            .field("stack", &self.stack)
            .finish_non_exhaustive()
    }
}

/// `Result` with [`Error`].
///
/// ```
/// # let rt = quickjs::Runtime::new().unwrap();
/// # let ctx = quickjs::Context::full(&rt).unwrap();
/// fn parse(ctx: quickjs::Ctx<'_>) -> quickjs::Result<i32> {
///     ctx.eval("40 + 2")
/// }
/// assert_eq!(ctx.with(parse).unwrap(), 42);
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether this is the host's interrupt (the interrupt handler said
    /// stop): JS cannot catch it, and Rust code should pass it on.
    ///
    /// ```
    /// # let rt = quickjs::Runtime::new().unwrap();
    /// # let ctx = quickjs::Context::full(&rt).unwrap();
    /// rt.set_interrupt_handler(Some(Box::new(|| true)));
    /// let e = ctx.with(|ctx| ctx.eval::<()>("for (;;) {}")).unwrap_err();
    /// assert!(e.is_interrupt());
    /// assert!(!quickjs::Error::type_error("x").is_interrupt());
    /// ```
    pub fn is_interrupt(&self) -> bool {
        match self {
            Error::Js { kind, message } => {
                crate::engine::handle::interrupts::is_interrupt(*kind, message)
            }
            Error::Thrown(e) => {
                crate::engine::handle::interrupts::is_interrupt(e.kind(), &e.message)
            }
            _ => false,
        }
    }

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
    ///
    /// ```
    /// assert_eq!(quickjs::Error::range_error("too big").to_string(), "RangeError: too big");
    /// ```
    pub fn range_error(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::RangeError,
            message: message.into(),
        }
    }
    /// A `SyntaxError` with `message`.
    ///
    /// ```
    /// assert_eq!(quickjs::Error::syntax_error("bad").to_string(), "SyntaxError: bad");
    /// ```
    pub fn syntax_error(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::SyntaxError,
            message: message.into(),
        }
    }
    /// A `ReferenceError` with `message`.
    ///
    /// ```
    /// assert_eq!(quickjs::Error::reference_error("x").to_string(), "ReferenceError: x");
    /// ```
    pub fn reference_error(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::ReferenceError,
            message: message.into(),
        }
    }
    /// A plain `Error` with `message`.
    ///
    /// ```
    /// assert_eq!(quickjs::Error::message("plain").to_string(), "Error: plain");
    /// ```
    pub fn message(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::Error,
            message: message.into(),
        }
    }
    /// An `InternalError` with `message`.
    ///
    /// ```
    /// assert_eq!(quickjs::Error::internal("bug").to_string(), "InternalError: bug");
    /// ```
    pub fn internal(message: impl Into<String>) -> Self {
        Error::Js {
            kind: ErrorKind::InternalError,
            message: message.into(),
        }
    }

    /// The same error with `prefix: ` before its message (exceptions unchanged).
    /// A nesting or cycle error keeps a short path (see `limits`), so one
    /// 128 levels deep stays readable.
    pub(crate) fn prefixed(self, prefix: fmt::Arguments<'_>) -> Self {
        match self {
            Error::Js { kind, message } => Error::Js {
                kind,
                message: prefix_path(&prefix.to_string(), &message)
                    .unwrap_or_else(|| format!("{prefix}: {message}")),
            },
            e => e,
        }
    }
}

/// A panic of Rust code called from JS ([`Error::Panic`]).
///
/// ```
/// use quickjs::{Context, Error, Function, Runtime};
/// let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
/// let r = ctx.with(|ctx| {
///     let f = Function::new(ctx, "boom", || -> i32 { panic!("no way") })?;
///     ctx.globals().set("boom", f)?;
///     // The script cannot catch it.
///     ctx.eval::<i32>("try { boom() } catch (e) { 0 } finally { globalThis.f = 1 }")
/// });
/// let Err(Error::Panic(p)) = r else { panic!("{r:?}") };
/// assert_eq!(p.message(), "boom: no way");
/// assert!(p.location().is_some_and(|l| l.contains(".rs:")));
/// // The runtime goes on; `p.resume()` would continue the panic.
/// assert_eq!(ctx.with(|ctx| ctx.eval::<bool>("globalThis.f === undefined")).unwrap(), true);
/// ```
#[derive(Clone)]
pub struct Panic {
    /// `name: message`.
    message: String,
    /// Where `name` ends in `message`.
    name_len: usize,
    location: Option<String>,
    payload: std::sync::Arc<std::sync::Mutex<Option<Box<dyn std::any::Any + Send>>>>,
}

impl Panic {
    /// A caught panic of the entry point `name`.
    pub(crate) fn new(name: &str, payload: Box<dyn std::any::Any + Send>) -> Self {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string payload".into());
        Panic {
            message: format!("{name}: {msg}"),
            name_len: name.len(),
            location: super::boundary::last_panic_location(),
            payload: std::sync::Arc::new(std::sync::Mutex::new(Some(payload))),
        }
    }

    /// The function that panicked and the panic's message, e.g.
    /// `"fib: index out of bounds"`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where it panicked (`file:line:column`), when the panic hook this
    /// crate chains in front of the process's hook saw it (not if the
    /// application replaced the hook after its first runtime).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// Continues the panic with its original payload
    /// (`std::panic::resume_unwind`). A clone whose payload was already
    /// resumed panics with the message.
    pub fn resume(self) -> ! {
        let payload = self
            .payload
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match payload {
            Some(p) => std::panic::resume_unwind(p),
            None => panic!("{}", self.message),
        }
    }

    /// The message JS sees (the error it cannot catch).
    pub(crate) fn js_message(&self) -> String {
        let (name, msg) = self.message.split_at(self.name_len);
        format!("{name}: Rust panic{msg}")
    }
}

impl fmt::Debug for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Panic")
            .field("message", &self.message)
            .field("location", &self.location)
            .finish()
    }
}

impl PartialEq for Panic {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message && self.location == other.location
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Exception => f.write_str("JS exception"),
            Error::Panic(p) => match &p.location {
                Some(at) => write!(f, "InternalError: {} (at {at})", p.js_message()),
                None => write!(f, "InternalError: {}", p.js_message()),
            },
            Error::Thrown(e) => e.fmt(f),
            Error::Timeout(d) => write!(f, "timed out after {d:?}"),
            Error::Js { kind, message } => write!(f, "{kind:?}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// The start of a nesting error's message (see `limits::Nested`).
pub(crate) const NESTED: &str = "value nested deeper than";
/// A cycle error's message (see `limits::Nested`).
pub(crate) const CYCLIC: &str = "cyclic value: it contains itself";

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
