// Options that do not apply where they are written are errors, not ignored.
#[quickjs::js(get)]
fn answer() -> i32 {
    42
}

fn main() {}
