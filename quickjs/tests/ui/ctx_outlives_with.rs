// A `Ctx` cannot be smuggled out of `with` either.
use quickjs::{Context, Runtime};

fn main() {
    let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    let mut stash = None;
    ctx.with(|c| stash = Some(c));
    drop(stash);
}
