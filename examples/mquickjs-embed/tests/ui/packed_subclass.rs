// A packed struct's base field may be unaligned, and the base class's
// methods would get it as `&Base`.
use mquickjs::js;

#[js]
pub struct Base {
    x: u64,
}

#[js(extends = Base)]
#[repr(C, packed)]
pub struct Derived {
    pad: u8,
    #[js(base)]
    base: Base,
}

fn main() {}
