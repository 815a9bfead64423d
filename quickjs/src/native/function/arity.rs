//! Arity: the argument counts of a parameter list ([`arity`]), the check
//! that a `Rest` comes last, and the words of an arity error, thrown from a
//! stack buffer on the hot path ([`arity_error`]).

use crate::engine::handle::ctx::Ctx;
use crate::engine::handle::error::Error;
use quickjs_sys as sys;

use super::param::ParamKind;
use super::NativeFunction;

/// The `required` and `max` argument counts of a function whose parameters
/// are of `kinds`, in order (for `#[js]`, in a constant).
pub const fn arity(kinds: &[ParamKind]) -> (u32, u32) {
    let (mut count, mut required, mut rest, mut i) = (0u32, 0u32, false, 0);
    while i < kinds.len() {
        match kinds[i] {
            ParamKind::Required => {
                count += 1;
                required = count;
            }
            ParamKind::Optional => count += 1,
            ParamKind::Rest => rest = true,
            ParamKind::Context => {}
        }
        i += 1;
    }
    (required, if rest { u32::MAX } else { count })
}

/// Whether a `Rest<T>` parameter, if any, is the last JS argument (a
/// compile-time check of `#[js]`).
pub const fn rest_is_last(kinds: &[ParamKind]) -> bool {
    let (mut seen, mut i) = (false, 0);
    while i < kinds.len() {
        match kinds[i] {
            ParamKind::Rest if seen => return false,
            ParamKind::Rest => seen = true,
            ParamKind::Required | ParamKind::Optional if seen => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

/// Throws the arity error of a call of `func` with `got` arguments, worded
/// as [`arity_error`] words it, written into a stack buffer (no allocation,
/// no C string to make): what a C function's `JS_ThrowTypeError` costs. A
/// name with a NUL in it, or too long for the buffer, takes the general path.
#[cold]
#[inline(never)]
pub(super) fn throw_arity(ctx: Ctx<'_>, func: &NativeFunction, got: u32) -> sys::JSValue {
    let (name, arity) = (func.name, (func.required, func.max));
    let mut buf = StackText::<224>::new();
    word_arity(&mut buf, name, arity, got);
    if buf.overflowed || name.contains('\0') {
        return ctx.throw(arity_error(name, arity, got));
    }
    // SAFETY: ctx is live; "%s" takes the one NUL-terminated string.
    unsafe { sys::JS_ThrowTypeError(ctx.as_raw(), c"%s".as_ptr(), buf.as_c_str()) }
}

/// Where [`word_arity`] writes: a `String`, or a [`StackText`].
trait Text {
    fn push_str(&mut self, s: &str);

    /// `n` in decimal, without `format!`'s machinery.
    fn push_u32(&mut self, n: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // Only ASCII digits were written.
        self.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    }
}

impl Text for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s)
    }
}

/// `name: expected 2 arguments, got 1` for a function taking `(required,
/// max)` arguments: the one wording of arity errors.
fn word_arity(t: &mut impl Text, name: &str, (required, max): (u32, u32), got: u32) {
    let plural = |n: u32| if n == 1 { " argument" } else { " arguments" };
    t.push_str(name);
    t.push_str(": expected ");
    match (required, max) {
        (r, m) if r == m => {
            t.push_u32(r);
            t.push_str(plural(r));
        }
        (r, u32::MAX) => {
            t.push_str("at least ");
            t.push_u32(r);
            t.push_str(plural(r));
        }
        (r, m) => {
            t.push_u32(r);
            t.push_str(" to ");
            t.push_u32(m);
            t.push_str(" arguments");
        }
    }
    t.push_str(", got ");
    t.push_u32(got);
}

/// A short NUL-terminated text built on the stack; a push that does not
/// fit is refused whole and marks the text as overflowed.
struct StackText<const N: usize> {
    bytes: [u8; N],
    len: usize,
    overflowed: bool,
}

impl<const N: usize> StackText<N> {
    fn new() -> Self {
        StackText {
            bytes: [0; N],
            len: 0,
            overflowed: false,
        }
    }

    /// The text, NUL-terminated (the buffer is zeroed past `len`).
    fn as_c_str(&self) -> *const std::os::raw::c_char {
        self.bytes.as_ptr().cast()
    }
}

impl<const N: usize> Text for StackText<N> {
    /// Appends `s` if it fits (with the NUL).
    fn push_str(&mut self, s: &str) {
        let end = self.len + s.len();
        if end >= N {
            self.overflowed = true;
            return;
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
    }
}

/// `name: expected 2 arguments, got 1` for a function taking
/// `(required, max)` arguments.
#[cold]
pub(crate) fn arity_error(name: &str, arity: (u32, u32), got: u32) -> Error {
    // Built by hand into one buffer sized up front (no `format!`
    // machinery): an arity error is thrown and caught in hot loops too
    // (feature tests, overload probing), where it should cost what the
    // engine's own `JS_ThrowTypeError` costs.
    let mut m = String::with_capacity(name.len() + 48);
    word_arity(&mut m, name, arity, got);
    Error::type_error(m)
}

#[cfg(test)]
mod tests {
    use super::ParamKind::{Context, Optional, Required, Rest};
    use super::{arity, rest_is_last};

    #[test]
    fn arity_counts_required_arguments_up_to_the_last_required_one() {
        assert_eq!(arity(&[]), (0, 0));
        assert_eq!(arity(&[Context, Required, Optional]), (1, 2));
        // An optional one before a required one counts as required.
        assert_eq!(arity(&[Optional, Required, Optional]), (2, 3));
        assert_eq!(arity(&[Required, Rest]), (1, u32::MAX));
        assert_eq!(arity(&[Context, Context]), (0, 0));
    }

    #[test]
    fn arity_errors_read_like_the_engines() {
        let text = |r, m, got| super::arity_error("f", (r, m), got).to_string();
        assert!(
            text(1, 1, 0).ends_with("f: expected 1 argument, got 0"),
            "{}",
            text(1, 1, 0)
        );
        assert!(text(2, 2, 10).ends_with("f: expected 2 arguments, got 10"));
        assert!(text(1, u32::MAX, 0).ends_with("f: expected at least 1 argument, got 0"));
        assert!(text(0, u32::MAX, 4294967295)
            .ends_with("f: expected at least 0 arguments, got 4294967295"));
        assert!(text(1, 3, 0).ends_with("f: expected 1 to 3 arguments, got 0"));
    }

    unsafe extern "C" fn never_called(
        _: *mut quickjs_sys::JSContext,
        _: quickjs_sys::JSValue,
        _: std::os::raw::c_int,
        _: *mut quickjs_sys::JSValue,
    ) -> quickjs_sys::JSValue {
        unreachable!()
    }

    #[test]
    fn thrown_arity_errors_read_as_the_general_path_words_them() {
        use crate::engine::handle::ctx::Ctx;
        use quickjs_sys as sys;
        // SAFETY: a plain engine runtime and context, freed at the end,
        // after every value made in between is dropped.
        let (rt, c) = unsafe {
            let rt = sys::JS_NewRuntime();
            (rt, sys::JS_NewContext(rt))
        };
        {
            // SAFETY: c is live until freed below, after this block.
            let ctx = unsafe { Ctx::from_raw(c) };
            // NativeFunction names are 'static.
            let long: &'static str = Box::leak("n".repeat(300).into_boxed_str());
            let names = [
                "f",
                "Point.distance",
                "caf\u{e9}",
                "nul\0name",
                long,
                &long[..180],
            ];
            for name in names {
                for (r, m, got) in [
                    (1, 1, 0),
                    (2, 2, 10),
                    (1, u32::MAX, 0),
                    (0, u32::MAX, u32::MAX),
                    (1, 3, 0),
                    (0, 0, 1),
                ] {
                    let f = super::NativeFunction {
                        name,
                        c_name: c"f",
                        required: r,
                        max: m,
                        strict: true,
                        func: never_called,
                        ts: String::new,
                    };
                    assert!(sys::JS_IsException(super::throw_arity(ctx, &f, got)));
                    let thrown = ctx.catch();
                    let want = super::arity_error(name, (r, m), got);
                    assert_eq!(
                        thrown.to_string(),
                        want.to_string().replace('\0', "\u{fffd}"),
                        "{name} {r} {m} {got}"
                    );
                }
            }
        }
        // SAFETY: nothing made in them is left.
        unsafe {
            sys::JS_FreeContext(c);
            sys::JS_FreeRuntime(rt);
        }
    }

    #[test]
    fn rest_must_come_last_among_the_arguments() {
        assert!(rest_is_last(&[Required, Rest]));
        assert!(rest_is_last(&[Required, Rest, Context]));
        assert!(!rest_is_last(&[Rest, Required]));
        assert!(!rest_is_last(&[Rest, Rest]));
    }
}
