//! `quickjs` renamed to `qjs`: the generated code names the crate through
//! `#[js(crate = "qjs")]` (functions, structs, impl blocks) and through
//! `$crate` (`qjs::module!`), never as `::quickjs`.

use qjs::js;

/// A function.
#[js(crate = "qjs")]
pub fn twice(x: i32) -> i32 {
    x * 2
}

/// A class.
#[js(crate = "qjs")]
pub struct Tally {
    n: i32,
}

#[js(crate = "qjs")]
impl Tally {
    /// A constructor.
    #[js(constructor)]
    pub fn new(start: Option<i32>) -> Self {
        Tally {
            n: start.unwrap_or(0),
        }
    }
    /// A method.
    pub fn add(&mut self, by: i32) -> i32 {
        self.n += by;
        self.n
    }
}

qjs::module!(pub static RENAMED = "renamed" { twice } classes { Tally });

#[cfg(test)]
mod tests {
    use super::RENAMED;

    #[test]
    fn a_renamed_dependency_works() {
        let rt = qjs::Runtime::new().unwrap();
        let ctx = qjs::Context::full(&rt).unwrap();
        let r: i32 = ctx
            .with(|ctx| {
                RENAMED.add_to(ctx)?;
                let _: qjs::Value = ctx.eval_with(
                    "import { twice, Tally } from 'renamed'; const t = new Tally(); t.add(2); globalThis.r = twice(t.add(19))",
                    "main.js",
                    qjs::EvalKind::Module,
                )?;
                ctx.eval("r")
            })
            .unwrap();
        assert_eq!(r, 42);
    }
}
