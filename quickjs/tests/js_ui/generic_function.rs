// A #[js] function cannot be generic: JS calls one concrete function.
#[quickjs::js]
fn identity<T>(x: T) -> T {
    x
}

fn main() {}
