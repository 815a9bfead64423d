// MicroQuickJS has no Map: a HashMap parameter has no conversion, and the
// error says what the engine has.
use mquickjs::js;
use std::collections::HashMap;

#[js]
pub fn count(m: HashMap<String, f64>) -> usize {
    m.len()
}

// What `stdlib!()` would define, had a build script declared `count`.
mod __mquickjs_stdlib {
    pub const FUNCTIONS: &[(&str, &str, usize)] = &[("count", "count", 1)];
}

fn main() {}
