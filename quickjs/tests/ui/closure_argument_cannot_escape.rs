// A JS value a closure receives lives for the call only: the closure cannot
// store it anywhere that outlives the call.
use quickjs::{Context, Function, Runtime, Value};
use std::cell::RefCell;

thread_local! {
    static KEPT: RefCell<Vec<Value<'static>>> = const { RefCell::new(Vec::new()) };
}

fn main() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let _f = Function::new(ctx, "keep", |v: Value<'_>| KEPT.with(|k| k.borrow_mut().push(v)));
    });
}
