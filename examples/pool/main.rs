//! `cargo run --release --example pool`: plugins run in parallel on a pool
//! of runtimes (one per thread), each execution in a fresh sandboxed
//! context. Prints what each execution returned, then what a hostile plugin
//! gets (the deadline, the memory limit) while the pool stays usable.
//! `cargo bench --bench pool` measures its throughput.

mod geojson;
mod pool;

use geojson::{feature_collection, SUM_JS};
use pool::{Limits, Pool};
use quickjs::{Function, Value};
use std::sync::Arc;

fn main() {
    let pool = Pool::new(2, Limits::default());
    let track = Arc::new(feature_collection(260));
    let results: Vec<_> = (0..4)
        .map(|_| {
            let track = track.clone();
            pool.run(move |ctx| {
                let plugin: Function = ctx.eval(SUM_JS)?;
                let input: Value = quickjs::serde::to_value(ctx, &*track)?;
                plugin.call::<_, f64>((input,))
            })
        })
        .collect();
    for r in results {
        println!("track length: {:.6}", r.recv().unwrap().unwrap());
    }
    let looping = pool.run(|ctx| ctx.eval::<()>("for (;;) {}"));
    println!("endless loop: {}", looping.recv().unwrap().unwrap_err());
    let greedy =
        pool.run(|ctx| ctx.eval::<()>("const a = []; for (;;) a.push(new Array(1e5).fill(1))"));
    println!("memory hog:   {}", greedy.recv().unwrap().unwrap_err());
    let ok = pool.run(|ctx| ctx.eval::<i32>("1 + 1"));
    println!("and then:     1 + 1 = {}", ok.recv().unwrap().unwrap());
}
