//! A crate written as a user writes one after copying the README's
//! dependency line: `use quickjs::...`, `#[js]` and `quickjs::module!` with
//! no `crate = ...` attribute.

use quickjs::js;

/// A function JS imports.
#[js]
pub fn greet(name: &str) -> String {
    format!("hello, {name}")
}

quickjs::module!(pub static GREETING = "greeting" { greet });

#[cfg(test)]
mod tests {
    use quickjs::{Context, EvalKind, Runtime, Value};

    #[test]
    fn the_readme_dependency_line_builds_a_working_module() {
        let rt = Runtime::new().unwrap();
        let ctx = Context::full(&rt).unwrap();
        ctx.with(|ctx| {
            super::GREETING.add_to(ctx)?;
            let src = "import { greet } from 'greeting'; globalThis.said = greet('you')";
            ctx.eval_with::<Value>(src, "main.js", EvalKind::Module)?;
            Ok::<_, quickjs::Error>(())
        })
        .unwrap();
        rt.run_until_idle().unwrap();
        let said: String = ctx.with(|ctx| ctx.eval("said")).unwrap();
        assert_eq!(said, "hello, you");
    }
}
