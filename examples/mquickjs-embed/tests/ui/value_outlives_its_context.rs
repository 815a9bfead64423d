// A Value is a GC ref into its context: it cannot outlive it.
use mquickjs::{Context, Value};
use mquickjs_embed::STDLIB;

fn main() {
    let v: Value<'_>;
    {
        let mut buf = [0u8; 32 * 1024];
        let ctx = Context::new(&mut buf, &STDLIB).unwrap();
        v = ctx.eval("({})").unwrap();
    }
    let _ = v.is_null();
}
