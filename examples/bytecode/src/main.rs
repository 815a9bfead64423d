//! Runs JavaScript that was compiled to bytecode at build time (see
//! build.rs): the bundle is the runtime's module loader, so `main.js`'s
//! relative import comes from it too, and the native module `rust` from
//! this crate.

use quickjs::{js, Context, Function, Promise, Runtime};
use std::time::Duration;

#[js]
fn fib(n: i64) -> i64 {
    if n <= 1 {
        n.max(0)
    } else {
        n + fib(n - 1)
    }
}

#[js]
async fn sleep(ms: u64) {
    quickjs::sleep(Duration::from_millis(ms)).await;
}

quickjs::module!(static RUST = "rust" { fib, sleep });

/// The banner script's value and `report(n)` from main.js.
fn run(n: i64) -> quickjs::Result<(String, String)> {
    let app = quickjs::include_bundle!("app")?;
    let rt = Runtime::new()?;
    rt.set_loader(app.clone());
    let ctx = Context::full(&rt)?;
    ctx.with(|ctx| {
        RUST.add_to(ctx)?;
        let banner: String = (app.get("banner.js").expect("bundled")).eval(ctx)?;
        let loaded: Promise = (app.get("main.js").expect("bundled")).eval(ctx)?;
        loaded.wait::<()>()?;
        // The module's namespace, from the bundle (already loaded).
        let ns: Promise =
            ctx.eval_with("import('main.js')", "run.js", quickjs::EvalKind::Script)?;
        let report: Function = ns.wait::<quickjs::Object>()?.get("report")?;
        let text: String = report.call::<_, Promise>((n,))?.wait()?;
        Ok((banner, text))
    })
}

fn main() -> quickjs::Result<()> {
    let (banner, report) = run(10)?;
    println!("{banner}\n{report}");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_bytecode_runs_with_its_imports() {
        let (banner, report) = super::run(10).unwrap();
        assert_eq!(banner, "bytecode-example, compiled at build time");
        assert!(report.starts_with("fib      fib(10) = 55\n"), "{report}");
    }

    #[test]
    fn the_bundle_holds_bytecode_only_for_what_was_named_and_reached() {
        let app = quickjs::include_bundle!("app").unwrap();
        let names: Vec<&str> = app.names().collect();
        assert_eq!(names, ["main.js", "lib/format.js", "banner.js"]);
    }
}
