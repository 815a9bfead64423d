// MicroQuickJS has no Promise and no job queue.
use mquickjs::js;

#[js]
pub async fn sleep(ms: u32) {
    let _ = ms;
}

fn main() {}
