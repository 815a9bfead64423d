// A subclass holds its base class's value in a field marked #[js(base)],
// so the base's methods find it.
use mquickjs::js;

#[js]
pub struct Shape {
    sides: u32,
}

#[js(extends = Shape)]
pub struct Square {
    side: f64,
}

fn main() {}
