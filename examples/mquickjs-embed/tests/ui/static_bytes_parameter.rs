// Borrowed bytes live in the engine's heap for the call only: a function
// cannot ask for them for longer.
use mquickjs::js;

#[js]
pub fn keep(b: &'static [u8]) -> usize {
    b.len()
}

mod __mquickjs_stdlib {
    pub const FUNCTIONS: &[(&str, &str, usize)] = &[("keep", "keep", 1)];
}

fn main() {}
