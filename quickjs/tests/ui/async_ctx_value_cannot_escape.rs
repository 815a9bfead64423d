// AsyncCtx::with gives a Ctx branded for the closure only: a JS value
// cannot be carried out of it across an await.
use quickjs::{Context, Runtime, Value};

fn main() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let actx = quickjs::AsyncCtx::new(ctx).unwrap();
        let _ = quickjs::Promise::spawn(ctx, async move {
            let v: Value = actx.with(|ctx| Value::undefined(ctx)).unwrap();
            drop(v);
        });
    });
}
