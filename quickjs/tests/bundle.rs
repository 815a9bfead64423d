//! Bundles: JS compiled to bytecode ahead of time (`BundleBuilder`), served
//! by the runtime's loader (`Bundle`) and run with `Ctx::eval_compiled`.
//! (The build-script path, `emit` + `include_bundle!`, is tested by
//! `examples/bytecode`.)

use quickjs::{Bundle, BundleBuilder, Context, EvalKind, Object, Promise, Runtime};
use std::path::PathBuf;

/// A fresh directory holding `files`.
fn tree(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qjs-bundle-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn bundle(builder: &BundleBuilder) -> Bundle {
    let built = builder.build().unwrap();
    // SAFETY: written just above by this engine.
    unsafe { Bundle::from_static(Box::leak(built.bytes.into_boxed_slice())) }.unwrap()
}

#[test]
fn modules_and_their_imports_run_from_bytecode_without_their_files() {
    let dir = tree(
        "run",
        &[
            ("main.js", "import { b } from './b/b.js'; import { c } from './c.js'; export const out = b + c;"),
            ("b/b.js", "import { c } from '../c.js'; export const b = 'b' + c;"),
            ("c.js", "export const c = 'c';"),
            ("other.js", "import { c } from './c.js'; export default c.toUpperCase();"),
            ("init.js", "globalThis.started = 'yes'; 40 + 2"),
        ],
    );
    let b = bundle(
        &BundleBuilder::new(&dir)
            .module("main.js")
            .module("other.js")
            .script("init.js"),
    );
    // Each module once, in the order reached.
    assert_eq!(
        b.names().collect::<Vec<_>>(),
        ["main.js", "b/b.js", "c.js", "other.js", "init.js"]
    );
    std::fs::remove_dir_all(&dir).unwrap(); // run time needs no file

    let rt = Runtime::new().unwrap();
    rt.set_loader(b.clone());
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        assert_eq!((b.get("init.js").unwrap()).eval::<i32>(ctx).unwrap(), 42);
        assert_eq!(ctx.globals().get::<_, String>("started").unwrap(), "yes");
        (b.get("main.js").unwrap())
            .eval::<Promise>(ctx)
            .unwrap()
            .wait::<()>()
            .unwrap();
        let ns: Promise = ctx.eval("import('main.js')").unwrap();
        assert_eq!(
            ns.wait::<Object>()
                .unwrap()
                .get::<_, String>("out")
                .unwrap(),
            "bcc"
        );
        // A script is not served as a module.
        let e = ctx
            .eval::<Promise>("import('init.js')")
            .unwrap()
            .wait::<()>()
            .unwrap_err();
        assert!(
            e.to_string().contains("not found in the bundle: init.js"),
            "{e}"
        );
    });
}

#[test]
fn build_errors_name_the_file_line_and_column() {
    let dir = tree(
        "errors",
        &[
            ("main.js", "import './lib/bad.js';\n"),
            ("lib/bad.js", "export const x = 1;\nexport const y = (;\n"),
            ("escape.js", "import '../../outside.js';"),
            ("missing.js", "import './nope.js';"),
            ("script.js", "let = ;"),
        ],
    );
    let err = |b: BundleBuilder| b.build().unwrap_err().to_string();
    let e = err(BundleBuilder::new(&dir).module("main.js"));
    assert!(
        e.contains(&format!("{}:2:", dir.join("lib/bad.js").display())),
        "{e}"
    );
    assert!(
        e.contains("SyntaxError") && e.contains("(imported from main.js)"),
        "{e}"
    );
    let e = err(BundleBuilder::new(&dir).module("escape.js"));
    assert!(e.contains("outside the loader's root"), "{e}");
    let e = err(BundleBuilder::new(&dir).module("missing.js"));
    assert!(e.contains("nope.js"), "{e}");
    let e = err(BundleBuilder::new(&dir).script("script.js"));
    assert!(
        e.contains(&format!("{}:1:", dir.join("script.js").display())),
        "{e}"
    );
    let e = err(BundleBuilder::new(&dir).module("absent.js"));
    assert!(e.contains("absent.js"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn native_modules_are_left_to_the_run_time() {
    #[quickjs::js]
    fn twice(n: i32) -> i32 {
        n * 2
    }
    quickjs::module!(static NATIVE = "native" { twice });
    let dir = tree(
        "native",
        &[(
            "main.js",
            "import { twice } from 'native'; globalThis.out = twice(21);",
        )],
    );
    let b = bundle(&BundleBuilder::new(&dir).module("main.js"));
    assert_eq!(b.names().collect::<Vec<_>>(), ["main.js"]);
    std::fs::remove_dir_all(&dir).unwrap();
    let rt = Runtime::new().unwrap();
    rt.set_loader(b.clone());
    let ctx = Context::full(&rt).unwrap();
    ctx.with(|ctx| {
        NATIVE.add_to(ctx).unwrap();
        (b.get("main.js").unwrap())
            .eval::<Promise>(ctx)
            .unwrap()
            .wait::<()>()
            .unwrap();
        assert_eq!(ctx.globals().get::<_, i32>("out").unwrap(), 42);
        // A module compiled from source still works beside the bundle's.
        let _: quickjs::Value = ctx
            .eval_with(
                "import { twice } from 'native'; globalThis.again = twice(2)",
                "x.js",
                EvalKind::Module,
            )
            .unwrap();
    });
}
