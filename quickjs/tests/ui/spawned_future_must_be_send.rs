// Futures are polled wherever the runtime is used, and the runtime may move
// threads: a future holding an Rc across an await is refused.
use quickjs::{Context, Runtime};
use std::rc::Rc;
use std::time::Duration;

fn main() {
    let rt = Runtime::new().unwrap();
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        let _ = quickjs::Promise::spawn(ctx, async {
            let shared = Rc::new(1);
            quickjs::sleep(Duration::from_millis(1)).await;
            *shared
        });
    });
}
