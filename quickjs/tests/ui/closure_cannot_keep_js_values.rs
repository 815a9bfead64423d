// A typed closure is called in later scopes of the context (other `with`
// calls), so it cannot capture a JS value of the scope that made it: it
// must be 'static. (Persistent is the way to keep one.)
use quickjs::{Context, Function, Runtime};

fn main() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let globals = ctx.globals();
        let _f = Function::new(ctx, "f", move |k: u32| globals.get::<_, i32>(k));
    });
}
