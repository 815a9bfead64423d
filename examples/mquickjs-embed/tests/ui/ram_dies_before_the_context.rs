// The bytecode's RAM must outlive the context that runs it (the engine
// keeps using it): a shorter-lived buffer does not compile.
use mquickjs::Context;
use mquickjs_embed::{STARTUP, STDLIB};

fn main() {
    let mut buf = [0u8; 32 * 1024];
    let ctx = Context::new(&mut buf, &STDLIB).unwrap();
    {
        let mut ram = [0u8; 4096];
        let _: () = ctx.run(&STARTUP, &mut ram).unwrap();
    }
    let _: f64 = ctx.eval("report(1)").unwrap();
}
