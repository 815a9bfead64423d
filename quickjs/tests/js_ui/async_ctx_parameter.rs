// An async function's future outlives the call: it cannot borrow the
// context, whatever the type is called here (take `AsyncCtx`).
use quickjs::Ctx as JsCtx;

#[quickjs::js]
async fn later(ctx: JsCtx<'_>) -> i32 {
    let _ = ctx;
    1
}

fn main() {}
