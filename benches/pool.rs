//! `cargo bench --bench pool`: the pool example's plugin executions (fresh
//! sandboxed context, the plugin's precompiled bytecode evaluated, 260-point
//! GeoJSON passed in with serde, run) at 1 and 2 worker threads, best of 5
//! interleaved rounds of 1000 executions (all submitted, then the results
//! collected newest first, so the harness sleeps once per round rather
//! than waking per job): throughput, the scaling between
//! them (measured in the same run), the cost of one execution and of its
//! fresh context; and, as a baseline in the same run, the plugin evaluated
//! from source in a context with every built-in.

#[path = "../examples/pool/geojson.rs"]
mod geojson;
#[path = "../examples/pool/pool.rs"]
mod pool;

use geojson::{feature_collection, FeatureCollection, SUM_JS};
use pool::{compile, Limits, Pool};
use quickjs::{Function, Intrinsics, Precompiled, Value};
use std::sync::Arc;
use std::time::Instant;

const EXECUTIONS: usize = 1000;

/// What each execution does.
#[derive(Clone)]
enum Job {
    /// The plugin's precompiled bytecode, the data in, the run.
    Plugin(Precompiled),
    /// The same from source, in a context with every built-in and the
    /// compiler (the pool's way before lean contexts and precompiled
    /// plugins: the baseline).
    PluginFromSource,
    /// Nothing: the fresh context alone.
    ContextOnly,
}

/// Seconds for EXECUTIONS jobs on `pool` (all submitted, then all
/// awaited).
fn round(pool: &Pool, track: &Arc<FeatureCollection>, job: &Job) -> f64 {
    let t = Instant::now();
    let pending: Vec<_> = (0..EXECUTIONS)
        .map(|_| {
            let (track, job) = (track.clone(), job.clone());
            pool.run(move |ctx| {
                let f: Function = match &job {
                    Job::Plugin(code) => code.eval(ctx)?,
                    Job::PluginFromSource => ctx.eval(SUM_JS)?,
                    Job::ContextOnly => return Ok(0.0),
                };
                let input: Value = quickjs::serde::to_value(ctx, &*track)?;
                f.call::<_, f64>((input,))
            })
        })
        .collect();
    // Newest first: by the time the last result is in, the rest are too, so
    // this thread sleeps once per round instead of once per job (each of its
    // wake-ups would cost a worker a futex call and a context switch).
    for p in pending.into_iter().rev() {
        std::hint::black_box(p.recv().unwrap().unwrap());
    }
    t.elapsed().as_secs_f64()
}

fn main() {
    let track = Arc::new(feature_collection(260));
    let plugin = Job::Plugin(compile(SUM_JS, "sum.js").unwrap());
    let one = Pool::new(1, Limits::default());
    let two = Pool::new(2, Limits::default());
    let full = Pool::new(
        1,
        Limits {
            intrinsics: Intrinsics::ALL,
            ..Limits::default()
        },
    );
    let (mut t1, mut t2, mut ctx_only, mut baseline) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for r in 0..5 {
        if r % 2 == 0 {
            t1 = t1.min(round(&one, &track, &plugin));
            t2 = t2.min(round(&two, &track, &plugin));
        } else {
            t2 = t2.min(round(&two, &track, &plugin));
            t1 = t1.min(round(&one, &track, &plugin));
        }
        ctx_only = ctx_only.min(round(&one, &track, &Job::ContextOnly));
        baseline = baseline.min(round(&full, &track, &Job::PluginFromSource));
    }
    let per = |t: f64| t / EXECUTIONS as f64 * 1e6;
    println!("== pool: {EXECUTIONS} plugin executions (fresh sandboxed context + precompiled plugin + 260-point GeoJSON in + run), best of 5 interleaved rounds ==");
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
        "(a fresh context alone, through the pool: {:.1} µs; the plugin from source in a full context: {:.1} µs per execution, {:.2}x of that)",
        per(ctx_only),
        per(baseline),
        t1 / baseline
    );
}
