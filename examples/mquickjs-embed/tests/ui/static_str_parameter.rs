// A borrowed string lives in the engine's heap for the call only: a
// function cannot ask for it for longer.
use mquickjs::js;

#[js]
pub fn keep(s: &'static str) -> usize {
    s.len()
}

mod __mquickjs_stdlib {
    pub const FUNCTIONS: &[(&str, &str, usize)] = &[("keep", "keep", 1)];
}

fn main() {}
