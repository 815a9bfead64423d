//! A pool of runtimes: one `Runtime` per worker thread (a runtime runs JS
//! on one thread at a time, so parallelism comes from several), jobs handed
//! to whichever worker is free. Each job gets a fresh sandboxed `Context`
//! (its own globals, only the built-ins the pool allows, no
//! `qjs:std`/`qjs:os`, no native modules) in its worker's runtime, under the
//! runtime's memory and stack limits and a per-job deadline that the
//! script cannot catch.

use quickjs::{Context, Ctx, Error, EvalKind, Intrinsics, Precompiled, Runtime};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce(&Worker) + Send>;

/// Limits every job runs under, and what its context offers.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub memory: usize,
    pub stack: usize,
    pub deadline: Duration,
    /// The built-ins of each job's context. The fewer, the cheaper a fresh
    /// context: data plugins, compiled once ([`compile`]), need JSON, not
    /// the compiler (so they cannot `eval` either), a clock (`Date`), typed
    /// arrays or `RegExp` (half the cost of a full context).
    pub intrinsics: Intrinsics,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 32 << 20,
            stack: 512 << 10,
            deadline: Duration::from_millis(200),
            intrinsics: Intrinsics::JSON,
        }
    }
}

/// Compiles a plugin once (in a throwaway context); every job then runs
/// the bytecode in its fresh context with `ctx.eval_precompiled`, without
/// parsing it again. Syntax errors are reported here.
pub fn compile(source: &str, name: &str) -> Result<Precompiled, Error> {
    let rt = Runtime::new()?;
    let ctx = Context::new(&rt, Intrinsics::EVAL)?;
    ctx.with(|ctx| quickjs::Precompiled::compile(ctx, source, name, EvalKind::Script))
}

pub struct Pool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// A worker thread's runtime, and the deadline of the job it runs (its
/// interrupt handler reads it).
struct Worker {
    rt: Runtime,
    deadline: Arc<Mutex<Option<Instant>>>,
    limits: Limits,
}

impl Pool {
    /// `threads` workers, each with its own runtime.
    pub fn new(threads: usize, limits: Limits) -> Pool {
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let workers = (0..threads)
            .map(|_| {
                let rx = rx.clone();
                std::thread::spawn(move || work(&rx, limits))
            })
            .collect();
        Pool {
            jobs: Some(tx),
            workers,
        }
    }

    /// Runs `job` in a fresh context of a free worker's runtime; the
    /// receiver gets its result (or the error: a throw, the deadline, the
    /// memory limit).
    pub fn run<T, F>(&self, job: F) -> Receiver<Result<T, Error>>
    where
        T: Send + 'static,
        F: for<'js> FnOnce(Ctx<'js>) -> Result<T, Error> + Send + 'static,
    {
        let (tx, rx) = channel();
        let job: Job = Box::new(move |w: &Worker| {
            let _ = tx.send(w.run(job));
        });
        self.jobs
            .as_ref()
            .expect("pool alive")
            .send(job)
            .expect("workers alive");
        rx
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.jobs.take(); // workers end when the channel is empty and closed
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn work(jobs: &Mutex<Receiver<Job>>, limits: Limits) {
    let rt = Runtime::new().expect("runtime");
    rt.set_memory_limit(Some(limits.memory));
    rt.set_max_stack_size(Some(limits.stack));
    // A fresh context per job allocates some 200 KB of built-ins, which
    // only the cycle collector frees: with the engine's own pace (256 KB,
    // then 1.5 times the heap left by each collection) a job in every few
    // would run a GC pass over the live heap. The pool collects every few
    // MB instead (set again per job, see `Worker::run`); the memory limit
    // still caps the heap.
    let deadline = Arc::new(Mutex::new(None::<Instant>));
    let d = deadline.clone();
    rt.set_interrupt_handler(Some(Box::new(move || {
        d.lock().unwrap().is_some_and(|at| Instant::now() > at)
    })));
    let worker = Worker {
        rt,
        deadline,
        limits,
    };
    loop {
        // The lock is held only while taking a job.
        let job = jobs.lock().unwrap().recv();
        match job {
            Ok(job) => job(&worker),
            Err(_) => return,
        }
    }
}

impl Worker {
    /// `job` in a fresh context, under the deadline.
    fn run<T>(&self, job: impl for<'js> FnOnce(Ctx<'js>) -> Result<T, Error>) -> Result<T, Error> {
        *self.deadline.lock().unwrap() = Some(Instant::now() + self.limits.deadline);
        // The engine sets its next collection at 1.5 times the heap it
        // leaves after each one: put it back at the pool's own pace.
        self.rt.set_gc_threshold(self.limits.memory / 8);
        let result = Context::new(&self.rt, self.limits.intrinsics).and_then(|ctx| ctx.with(job));
        *self.deadline.lock().unwrap() = None;
        result
    }
}
