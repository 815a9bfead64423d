// An async closure's future outlives the call: it cannot take `Ctx` (take
// `AsyncCtx`).
use quickjs::{Context, Ctx, Function, Runtime};

fn main() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let _f = Function::new_async(ctx, "f", |ctx: Ctx<'_>, n: i32| async move { n });
    });
}
