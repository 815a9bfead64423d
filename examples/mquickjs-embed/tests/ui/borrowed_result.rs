// A result is converted when the borrowed parameters' guard is gone and
// the engine's heap may move: it cannot borrow from them.
use mquickjs::js;

#[js]
pub fn echo<'a>(s: &'a str) -> &'a str {
    s
}

mod __mquickjs_stdlib {
    pub const FUNCTIONS: &[(&str, &str, usize)] = &[("echo", "echo", 1)];
}

fn main() {}
