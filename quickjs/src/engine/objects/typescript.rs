//! TypeScript declarations of native modules: each Rust type that crosses
//! the boundary names its TypeScript type, `#[js]` records every function's
//! parameter names and types, and `NativeModule::typescript` writes
//! the module's `.d.ts`.

use crate::engine::handle::value::Value;
use std::collections::{BTreeMap, HashMap};

/// The TypeScript type of a Rust type as JS sees it. `#[js]` needs it for
/// every parameter and result type; implement it for your own [`crate::FromJs`]
/// / [`crate::IntoJs`] types.
///
/// ```
/// use quickjs::TypeScript;
/// assert_eq!(<Vec<Option<u8>> as TypeScript>::ts(), "(number | undefined)[]");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no TypeScript type, so `#[js]` cannot export it",
    note = "parameters and results of `#[js]` items need `FromJs`/`IntoJs` and `quickjs::TypeScript`; implement them for your type, or use one that has them"
)]
pub trait TypeScript {
    /// The TypeScript type, e.g. `number`, `string[]`.
    fn ts() -> String;
    /// The type when the value is present: what an optional parameter
    /// (`x?: T`) names. `Option<T>`'s is `T`'s.
    #[doc(hidden)]
    fn ts_present() -> String {
        Self::ts()
    }
}

macro_rules! ts {
    ($($t:ty => $s:literal),* $(,)?) => {
        $(impl TypeScript for $t {
            fn ts() -> String {
                $s.into()
            }
        })*
    };
}

ts!(
    i8 => "number", i16 => "number", i32 => "number", i64 => "number", isize => "number",
    i128 => "number", u128 => "number",
    u8 => "number", u16 => "number", u32 => "number", u64 => "number", usize => "number",
    f32 => "number", f64 => "number", bool => "boolean", char => "string",
    String => "string", str => "string", () => "void",
    super::types::BigInt => "bigint",
);

ts!(
    &str => "string",
    crate::engine::convert::primitives::JsStr<'_> => "string",
    Value<'_> => "any",
    crate::engine::handle::held::Held => "any",
    super::object::Object<'_> => "object",
    super::object::Function<'_> => "(...args: any[]) => any",
    super::types::Array<'_> => "any[]",
    super::types::JsString<'_> => "string",
    super::types::Symbol<'_> => "symbol",
);

/// Wraps a union in parentheses where it is an element of another type.
fn atom(t: String) -> String {
    if t.contains(' ') {
        format!("({t})")
    } else {
        t
    }
}

impl<T: TypeScript> TypeScript for Option<T> {
    fn ts() -> String {
        format!("{} | undefined", T::ts())
    }
    fn ts_present() -> String {
        T::ts()
    }
}
impl<T: TypeScript> TypeScript for Vec<T> {
    fn ts() -> String {
        format!("{}[]", atom(T::ts()))
    }
}
impl<T: TypeScript, E> TypeScript for Result<T, E> {
    fn ts() -> String {
        T::ts()
    }
}
impl<K: TypeScript, V: TypeScript, S> TypeScript for HashMap<K, V, S> {
    fn ts() -> String {
        format!("Record<{}, {}>", K::ts(), V::ts())
    }
}
impl<K: TypeScript, V: TypeScript> TypeScript for BTreeMap<K, V> {
    fn ts() -> String {
        format!("Record<{}, {}>", K::ts(), V::ts())
    }
}
macro_rules! tuples {
    ($($T:ident),+) => {
        impl<$($T: TypeScript),+> TypeScript for ($($T,)+) {
            fn ts() -> String {
                let parts: Vec<String> = vec![$($T::ts()),+];
                format!("[{}]", parts.join(", "))
            }
        }
    };
}
tuples!(A);
tuples!(A, B);
tuples!(A, B, C);
tuples!(A, B, C, D);
