// The runtime is Send and may move to another thread with everything it
// holds, so a Rust closure stored in it must be Send: an Rc would otherwise
// be shared across threads.
use quickjs::{Context, Function, Runtime};
use std::rc::Rc;

fn main() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let shared = Rc::new(1);
        let _f = Function::new(ctx, "f", move |x: i32| x + *shared);
    });
}
