//! Compiles `js/main.js` (and `js/lib/format.js`, which it imports) and the
//! script `js/banner.js` to bytecode in `$OUT_DIR/app.qjsbundle`. A syntax
//! error fails the build with its file, line and column.

fn main() {
    quickjs::BundleBuilder::new("js")
        .module("main.js")
        .script("banner.js")
        .emit("app");
}
