// Values stay on the thread that holds the runtime's lock.
use quickjs::{Context, Runtime};

fn main() {
    let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    ctx.with(|ctx| {
        let v: quickjs::Value = ctx.eval("1").unwrap();
        std::thread::scope(|s| {
            s.spawn(move || drop(v));
        });
    });
}
