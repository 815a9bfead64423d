//! `cargo bench --bench pool`: the pool example's plugin executions (fresh
//! sandboxed context, plugin evaluated, 260-point GeoJSON passed in with
//! serde, run) at 1 and 2 worker threads, best of 5 interleaved rounds of
//! 1000 executions: throughput, the scaling between them (measured in the
//! same run), and the cost of one execution and of its fresh context.

#[path = "../examples/pool/geojson.rs"]
mod geojson;
#[path = "../examples/pool/pool.rs"]
mod pool;

use geojson::{feature_collection, FeatureCollection, SUM_JS};
use pool::{Limits, Pool};
use quickjs::{Function, Value};
use std::sync::Arc;
use std::time::Instant;

const EXECUTIONS: usize = 1000;

/// Seconds for EXECUTIONS plugin runs on `pool` (all submitted, then all
/// awaited).
fn round(pool: &Pool, track: &Arc<FeatureCollection>, plugin: bool) -> f64 {
    let t = Instant::now();
    let pending: Vec<_> = (0..EXECUTIONS)
        .map(|_| {
            let track = track.clone();
            pool.run(move |ctx| {
                if !plugin {
                    return Ok(0.0); // the fresh context alone
                }
                let f: Function = ctx.eval(SUM_JS)?;
                let input: Value = quickjs::serde::to_value(ctx, &*track)?;
                f.call::<_, f64>((input,))
            })
        })
        .collect();
    for p in pending {
        std::hint::black_box(p.recv().unwrap().unwrap());
    }
    t.elapsed().as_secs_f64()
}

fn main() {
    let track = Arc::new(feature_collection(260));
    let one = Pool::new(1, Limits::default());
    let two = Pool::new(2, Limits::default());
    let (mut t1, mut t2, mut ctx_only) = (f64::MAX, f64::MAX, f64::MAX);
    for r in 0..5 {
        if r % 2 == 0 {
            t1 = t1.min(round(&one, &track, true));
            t2 = t2.min(round(&two, &track, true));
        } else {
            t2 = t2.min(round(&two, &track, true));
            t1 = t1.min(round(&one, &track, true));
        }
        ctx_only = ctx_only.min(round(&one, &track, false));
    }
    let per = |t: f64| t / EXECUTIONS as f64 * 1e6;
    println!("== pool: {EXECUTIONS} plugin executions (fresh sandboxed context + plugin + 260-point GeoJSON in + run), best of 5 interleaved rounds ==");
    println!(
        "1 thread   {:>8.0} executions/s   {:>7.1} µs per execution",
        1.0 / per(t1) * 1e6,
        per(t1)
    );
    println!(
        "2 threads  {:>8.0} executions/s   scaling {:.2}x (2 threads / 1)",
        1.0 / per(t2) * 1e6,
        t1 / t2
    );
    println!(
        "(a fresh context alone, through the pool: {:.1} µs)",
        per(ctx_only)
    );
}
