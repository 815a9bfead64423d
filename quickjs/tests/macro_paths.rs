//! `#[js]` asks types, not spellings: renamed imports and aliases of `Ctx`,
//! `Option<T>` and `Rest<T>` mean what they alias. And the items it
//! generates shadow nothing: a function may be named like a module or a
//! crate in scope, or be declared inside another function.

use quickjs::Ctx as JsCtx;
use quickjs::Rest as More;
use quickjs::{Context, EvalKind, Runtime, Value};

type Maybe<T> = Option<T>;

mod shadow {
    pub fn double(x: i32) -> i32 {
        x * 2
    }
}

/// Named like the module above: no generated item is named `shadow`.
#[quickjs::js]
fn shadow(x: i32) -> i32 {
    shadow::double(x)
}

/// Named like a crate in scope (`std`): paths through it still resolve.
#[quickjs::js]
fn std(s: String) -> usize {
    std::string::String::len(&s)
}

/// Every special parameter under another name.
#[quickjs::js]
fn aliased(ctx: JsCtx<'_>, a: i32, b: Maybe<i32>, rest: More<i32>) -> quickjs::Result<i32> {
    let base: i32 = ctx.eval("100")?;
    Ok(base + a + b.unwrap_or(0) + rest.0.iter().sum::<i32>())
}

quickjs::module!(static M = "m" { shadow, std, aliased });

fn run<T: for<'js> quickjs::FromJs<'js>>(module: &'static quickjs::NativeModule, src: &str) -> T {
    let ctx = Context::full(&Runtime::new().unwrap()).unwrap();
    ctx.with(|ctx| {
        module.add_to(ctx)?;
        let _: Value = ctx.eval_with(src, "main.js", EvalKind::Module)?;
        ctx.eval("r")
    })
    .unwrap()
}

#[test]
fn aliases_are_classified_by_their_types() {
    let f = M.function("aliased").unwrap();
    assert_eq!((f.required, f.max), (1, u32::MAX));
    assert_eq!(
        (f.ts)(),
        "(a: number, b?: number, ...rest: number[]): number"
    );
    let r: Vec<i32> = run(
        &M,
        "import { aliased } from 'm'; globalThis.r = [aliased(1), aliased(1, 2), aliased(1, 2, 3, 4), aliased.length]",
    );
    assert_eq!(r, [101, 103, 110, 1]);
}

#[test]
fn generated_items_shadow_no_module_or_crate() {
    let r: Vec<i32> = run(
        &M,
        "import { shadow, std } from 'm'; globalThis.r = [shadow(21), std('four')]",
    );
    assert_eq!(r, [42, 4]);
}

#[test]
fn functions_may_be_declared_inside_functions() {
    #[quickjs::js]
    fn local(x: i32) -> i32 {
        x + 1
    }
    quickjs::module!(static L = "l" { local });
    let r: i32 = run(&L, "import { local } from 'l'; globalThis.r = local(41)");
    assert_eq!(r, 42);
}

quickjs::module!(
    /// A module with docs and attributes of its own (a public static gets a
    /// doc of its own otherwise: `missing_docs` holds in crates that export
    /// one).
    #[allow(dead_code)]
    pub static DOCUMENTED = "documented" { shadow }
);

#[test]
fn a_module_static_takes_docs_and_attributes() {
    let r: i32 = run(
        &DOCUMENTED,
        "import { shadow } from 'documented'; globalThis.r = shadow(1)",
    );
    assert_eq!(r, 2);
}
