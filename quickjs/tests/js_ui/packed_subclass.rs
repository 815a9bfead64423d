// A packed struct's base field may be unaligned, and the base class's
// methods would get it as `&Base`.
use quickjs::js;

#[js]
pub struct Base {
    x: u64,
}

#[js]
impl Base {}

#[js(extends = Base)]
#[repr(C, packed)]
pub struct Derived {
    pad: u8,
    #[js(base)]
    base: Base,
}

fn main() {}
