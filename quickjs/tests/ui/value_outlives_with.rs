// A value cannot leave the `with` closure that lent its context.
use quickjs::{Context, Runtime, Value};

fn main() {
    let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    let escaped: Value = ctx.with(|ctx| ctx.eval("({})").unwrap());
    drop(escaped);
}
