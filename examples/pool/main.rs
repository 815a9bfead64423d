//! `cargo run --release --example pool`: plugins run in parallel on a pool
//! of runtimes (one per thread), each execution in a fresh sandboxed
//! context. Prints what each execution returned, then what a hostile plugin
//! gets (the deadline, the memory limit) while the pool stays usable.
//! `cargo bench --bench pool` measures its throughput.

mod geojson;
mod pool;

use geojson::{feature_collection, SUM_JS};
use pool::{compile, Limits, Pool};
use quickjs::{Function, Value};
use std::sync::Arc;

fn main() {
    let pool = Pool::new(2, Limits::default());
    let track = Arc::new(feature_collection(260));
    // Compiled once; each job runs the bytecode in its fresh context.
    let sum = compile(SUM_JS, "sum.js").expect("the plugin compiles");
    let results: Vec<_> = (0..4)
        .map(|_| {
            let (track, sum) = (track.clone(), sum.clone());
            pool.run(move |ctx| {
                let plugin: Function = sum.eval(ctx)?;
                let input: Value = quickjs::serde::to_value(ctx, &*track)?;
                plugin.call::<_, f64>((input,))
            })
        })
        .collect();
    for r in results {
        println!("track length: {:.6}", r.recv().unwrap().unwrap());
    }
    let hostile = |src: &str| {
        let code = compile(src, "hostile.js").expect("compiles");
        let r = pool.run(move |ctx| code.eval::<i32>(ctx));
        r.recv().unwrap()
    };
    println!("endless loop: {}", hostile("for (;;) {}").unwrap_err());
    println!(
        "memory hog:   {}",
        hostile("const a = []; for (;;) a.push(new Array(1e5).fill(1))").unwrap_err()
    );
    println!("eval:         {}", hostile("eval('1 + 1')").unwrap_err());
    println!("and then:     1 + 1 = {}", hostile("1 + 1").unwrap());
}
