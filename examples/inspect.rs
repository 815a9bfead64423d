//! A Rust host whose JavaScript you debug with Chrome DevTools, VS Code or
//! `node inspect` (docs/debugging.md): it waits for a debugger, which then
//! pauses at the first statement; set a breakpoint in `total`, resume, and
//! look at the cart (a `Map`) and the Rust `sleep` it awaits.
//!
//! cargo run --example inspect            # then chrome://inspect, or node inspect 127.0.0.1:9229
//! INSPECT_ADDR=127.0.0.1:0 cargo run --example inspect    # any free port

use quickjs::{Context, EvalKind, Function, Inspector, Promise, Runtime};
use std::time::Duration;

const APP: &str = "\
function total(cart, taxPercent) {
  let sum = 0;
  for (const [item, { price, count }] of cart) {
    sum += price * count;
  }
  return Math.round(sum * (100 + taxPercent) / 100);
}

async function checkout() {
  const cart = new Map([['apple', { price: 50, count: 6 }], ['bread', { price: 225, count: 1 }]]);
  await sleep(100); // a Rust future: the debugger can pause after it too
  const cents = total(cart, 20);
  console.log(`to pay: ${cents / 100}`);
  return cents;
}

checkout()";

fn main() -> quickjs::Result<()> {
    let rt = Runtime::new()?;
    let ctx = Context::full(&rt)?;
    let addr = std::env::var("INSPECT_ADDR").unwrap_or_else(|_| "127.0.0.1:9229".into());
    let cents = ctx.with(|ctx| {
        let sleep = Function::new_async(ctx, "sleep", |ms: u64| async move {
            quickjs::sleep(Duration::from_millis(ms)).await;
        })?;
        ctx.globals().set("sleep", sleep)?;
        let inspector = Inspector::listen(ctx, addr.as_str(), "app")?;
        eprintln!("Debugger listening on {}", inspector.url());
        eprintln!(
            "Waiting for a debugger (chrome://inspect, or `node inspect {}`)",
            inspector.addr()
        );
        Inspector::wait_for_debugger(ctx);
        ctx.eval_with::<Promise>(APP, "app.js", EvalKind::Script)?
            .into_future::<i64>()
    })?;
    // The runtime's loop runs the sleep, and serves the debugger meanwhile.
    let cents = async_io::block_on(rt.run_until(cents))?;
    println!("checkout returned {cents} cents");
    ctx.with(Inspector::stop);
    Ok(())
}
